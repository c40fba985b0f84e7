package dev.forge.cli.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Branches;
import dev.forge.core.repo.Repository;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tag", description = "List tags, create tag NAME at REV (default HEAD), or delete one with -d.")
public final class TagCommand extends RepoCommand {
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

    @Option(names = "--json", description = "Print as JSON.")
    boolean json;

    @Override
    public Integer call() {
        try (Repository repo = open(list || name == null ? Mode.READ : Mode.WRITE)) {
            Branches b = new Branches(repo);
            if (list || name == null) {
                if (json) {
                    ArrayNode a = array();
                    for (Branches.Ref r : b.tags())
                        a.addObject()
                                .put("name", r.name())
                                .put("commit", r.commit().hex());
                    printJson(a);
                } else {
                    for (Branches.Ref r : b.tags())
                        out().printf(
                                        Locale.ROOT,
                                        "%s %s%n",
                                        r.name(),
                                        r.commit().shortHex());
                }
            } else if (delete) {
                Branches.Ref r = b.deleteTag(name);
                out().printf(
                                Locale.ROOT,
                                "Deleted tag %s (was %s)%n",
                                r.name(),
                                r.commit().shortHex());
            } else {
                Branches.Ref r = b.createTag(name, rev);
                if (json)
                    printJson(object().put("created", r.name())
                            .put("commit", r.commit().hex()));
                else out().printf(Locale.ROOT, "Tagged %s as %s%n", r.commit().shortHex(), r.name());
            }
        }
        return 0;
    }
}
