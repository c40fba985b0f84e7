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
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "branch",
        description = {
            "List, create or delete branches.",
            "Without NAME: list them. With NAME: create it at REV (default HEAD). With -d: delete NAME.",
            "  forge branch            list",
            "  forge branch shot-020   create at HEAD",
            "  forge branch -d shot-020"
        })
public final class BranchCommand implements Callable<Integer> {
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
            description = "Delete the branch NAME.")
    boolean delete;

    @Option(
            names = {"-l", "--list"},
            description = "List branches (the default without NAME).")
    boolean list;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open(list || name == null ? Mode.READ : Mode.WRITE)) {
            Branches b = new Branches(repo);
            if (list || name == null) {
                print(out, b.branches());
            } else if (delete) {
                Branches.Ref r = b.deleteBranch(name);
                if (out.json())
                    out.json(object().put("deleted", r.name())
                            .put("commit", r.commit().hex()));
                else
                    out.info(
                            "Deleted branch %s (was %s)%n", r.name(), r.commit().shortHex());
            } else {
                Branches.Ref r = b.createBranch(name, rev);
                if (out.json())
                    out.json(object().put("created", r.name())
                            .put("commit", r.commit().hex()));
                else out.info("Created branch %s at %s%n", r.name(), r.commit().shortHex());
            }
        }
        return 0;
    }

    private static void print(Output out, List<Branches.Ref> refs) {
        if (out.json()) {
            ArrayNode a = array();
            for (Branches.Ref r : refs)
                a.addObject()
                        .put("name", r.name())
                        .put("commit", r.commit().hex())
                        .put("current", r.current());
            out.json(a);
            return;
        }
        for (Branches.Ref r : refs)
            out.printf(
                    "%s %s %s%n", r.current() ? "*" : " ", r.name(), r.commit().shortHex());
    }
}
