package dev.forge.cli.commands;

import static dev.forge.cli.Json.array;
import static dev.forge.cli.Json.object;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Branches;
import dev.forge.core.repo.Repository;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "tag",
        description = {
            "List, create or delete tags (names for commits that do not move).",
            "Without NAME: list them. With NAME: create it at REV (default HEAD). With -d: delete NAME."
        })
public final class TagCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "REV")
    String rev;

    @Option(
            names = {"-d", "--delete"},
            description = "Delete the tag NAME.")
    boolean delete;

    @Option(
            names = {"-l", "--list"},
            description = "List tags (the default without NAME).")
    boolean list;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open(list || name == null ? Mode.READ : Mode.WRITE)) {
            Branches b = new Branches(repo);
            if (list || name == null) {
                if (out.json()) {
                    ArrayNode a = array();
                    for (Branches.Ref r : b.tags())
                        a.addObject()
                                .put("name", r.name())
                                .put("commit", r.commit().hex());
                    out.json(a);
                } else {
                    for (Branches.Ref r : b.tags())
                        out.printf("%s %s%n", r.name(), r.commit().shortHex());
                }
            } else if (delete) {
                Branches.Ref r = b.deleteTag(name);
                if (out.json())
                    out.json(object().put("deleted", r.name())
                            .put("commit", r.commit().hex()));
                else out.info("Deleted tag %s (was %s)%n", r.name(), r.commit().shortHex());
            } else {
                Branches.Ref r = b.createTag(name, rev);
                if (out.json())
                    out.json(object().put("created", r.name())
                            .put("commit", r.commit().hex()));
                else out.info("Tagged %s as %s%n", r.commit().shortHex(), r.name());
            }
        }
        return 0;
    }
}
