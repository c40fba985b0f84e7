package dev.forge.cli.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Fetch;
import dev.forge.mirror.Remote;
import dev.forge.mirror.Remotes;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "fetch",
        description = {
            "Download a remote's branches as REMOTE/BRANCH (e.g. origin/main).",
            "Only the objects you lack are downloaded; your own branches and work tree do not change."
        })
public final class FetchCommand extends RepoCommand {
    @Parameters(arity = "0..1", paramLabel = "REMOTE", description = "Remote name (default origin).")
    String remoteName = "origin";

    @Option(
            names = {"-j", "--jobs"},
            paramLabel = "N",
            description = "Transfers in flight (default 8; ranged reads use twice as many).")
    int jobs = Remote.DEFAULT_PARALLELISM;

    @Option(names = "--json", description = "Print a summary as JSON.")
    boolean json;

    @Override
    public Integer call() {
        try (Repository repo = open();
                Remote remote = new Remotes(repo).open(remoteName, jobs)) {
            Fetch.Result r = new Fetch(repo, remote).run(progress(json));
            if (json) {
                printJson(summary(remoteName, r));
            } else {
                print(remoteName, r);
            }
        }
        return 0;
    }

    static ObjectNode summary(String remoteName, Fetch.Result r) {
        ObjectNode n = object().put("remote", remoteName);
        ArrayNode refs = n.putArray("updated");
        for (Fetch.RefUpdate u : r.updates()) {
            refs.addObject()
                    .put("branch", u.branch())
                    .put("before", u.before() == null ? null : u.before().hex())
                    .put("after", u.after().hex());
        }
        n.put("objects", r.objects())
                .put("repaired", r.repaired())
                .put("packs", r.packsRead())
                .put("bytesReceived", r.bytesReceived())
                .put("requests", r.requests())
                .put("seconds", r.seconds());
        return n;
    }

    void print(String remoteName, Fetch.Result r) {
        for (Fetch.RefUpdate u : r.updates()) {
            out().printf(
                            Locale.ROOT,
                            "  %s/%s: %s -> %s%n",
                            remoteName,
                            u.branch(),
                            u.before() == null ? "(new)" : u.before().shortHex(),
                            u.after().shortHex());
        }
        if (r.repaired() > 0)
            out().printf(
                            Locale.ROOT,
                            "Repaired %d damaged object%s from %s%n",
                            r.repaired(),
                            r.repaired() == 1 ? "" : "s",
                            remoteName);
        if (r.updates().isEmpty()) {
            if (r.repaired() == 0) out().printf(Locale.ROOT, "%s: up to date%n", remoteName);
        } else
            out().printf(
                            Locale.ROOT,
                            "Fetched %d objects from %d packs, %s received in %.1f s (%s)%n",
                            r.objects(),
                            r.packsRead(),
                            human(r.bytesReceived()),
                            r.seconds(),
                            rate(r.bytesReceived(), r.seconds()));
    }
}
