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

    @picocli.CommandLine.Mixin
    RemoteTransferOptions transfer;

    @Override
    public Integer call() {
        try (Repository repo = open();
                Remote remote = new Remotes(repo).open(remoteName, transfer.options(remoteName, jobs, json, err()))) {
            Fetch.Result r = new Fetch(repo, remote).run(progress(json || transfer.quiet()));
            if (json) {
                printJson(summary(remoteName, r));
            } else {
                warnSkipped(err(), remoteName, r);
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
        ArrayNode skipped = n.putArray("skipped");
        r.skipped().forEach(skipped::add);
        n.put("objects", r.objects())
                .put("packs", r.packsRead())
                .put("bytesReceived", r.bytesReceived())
                .put("requests", r.requests())
                .put("seconds", r.seconds());
        return n;
    }

    /**
     * One warning line per remote branch that was left out because forge does not accept its name
     * (fetch, pull and clone go on with the rest, exit 0); control characters in it are shown escaped.
     */
    static void warnSkipped(java.io.PrintWriter err, String remoteName, Fetch.Result r) {
        for (String b : r.skipped()) {
            StringBuilder shown = new StringBuilder();
            b.codePoints().forEach(c -> {
                if (Character.isISOControl(c)) shown.append(String.format(Locale.ROOT, "\\x%02x", c));
                else shown.appendCodePoint(c);
            });
            err.println("forge: warning: skipped branch '" + shown + "' of " + remoteName
                    + ": forge does not accept that name (no spaces, control characters, '~', '^', ':', '..',"
                    + " segments starting with '.', or letters outside ASCII); rename it where it was made");
        }
        err.flush();
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
        if (r.updates().isEmpty()) out().printf(Locale.ROOT, "%s: up to date%n", remoteName);
        else
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
