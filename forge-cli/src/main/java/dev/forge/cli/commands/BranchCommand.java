package dev.forge.cli.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Branches;
import dev.forge.core.repo.Repository;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "branch",
        description = {
            "List branches, create NAME at REV (default HEAD), or delete one with -d.",
            "  forge branch            list",
            "  forge branch shot-020   create at HEAD",
            "  forge branch -d shot-020"
        })
public final class BranchCommand extends RepoCommand {
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

    @Option(names = "--json", description = "Print as JSON.")
    boolean json;

    @Override
    public Integer call() {
        try (Repository repo = open(list || name == null ? Mode.READ : Mode.WRITE)) {
            Branches b = new Branches(repo);
            if (list || name == null) {
                print(b.branches(), true);
            } else if (delete) {
                Branches.Ref r = b.deleteBranch(name);
                if (json)
                    printJson(object().put("deleted", r.name())
                            .put("commit", r.commit().hex()));
                else
                    out().printf(
                                    Locale.ROOT,
                                    "Deleted branch %s (was %s)%n",
                                    r.name(),
                                    r.commit().shortHex());
            } else {
                Branches.Ref r = b.createBranch(name, rev);
                if (json)
                    printJson(object().put("created", r.name())
                            .put("commit", r.commit().hex()));
                else
                    out().printf(
                                    Locale.ROOT,
                                    "Created branch %s at %s%n",
                                    r.name(),
                                    r.commit().shortHex());
            }
        }
        return 0;
    }

    void print(List<Branches.Ref> refs, boolean markCurrent) {
        if (json) {
            ArrayNode a = array();
            for (Branches.Ref r : refs)
                a.addObject()
                        .put("name", r.name())
                        .put("commit", r.commit().hex())
                        .put("current", r.current());
            printJson(a);
            return;
        }
        for (Branches.Ref r : refs)
            out().printf(
                            Locale.ROOT,
                            "%s %s %s%n",
                            markCurrent && r.current() ? "*" : " ",
                            r.name(),
                            r.commit().shortHex());
    }
}
