package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;
import static dev.forge.cli.Units.human;
import static dev.forge.cli.Units.rate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.cli.options.RemoteArgument;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Fetch;
import dev.forge.mirror.Remote;
import dev.forge.mirror.Remotes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        addMethodSubcommands = false,
        name = "fetch",
        description = {
            "Download a remote's branches as REMOTE/BRANCH (e.g. origin/main).",
            "Only the objects you lack are downloaded; your own branches and work tree do not change."
        })
public final class FetchCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    RemoteArgument remoteArg;

    @picocli.CommandLine.Option(
            names = "--prune",
            description = "Also remove the remote-tracking branches whose branch is gone from the remote.")
    boolean prune;

    @Override
    public Integer call() {
        Output out = common.output(json);
        String remoteName = remoteArg.name();
        try (Repository repo = common.open();
                Remote remote = new Remotes(repo).open(remoteName, remoteArg.options(remoteName, out, repo.config()))) {
            Fetch.Result r = new Fetch(repo, remote).prune(prune).run(out.progress());
            if (out.json()) {
                out.json(summary(remoteName, r));
            } else {
                warnSkipped(out, remoteName, r);
                print(out, remoteName, r);
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
                .put("bytesReceived", r.bytesReceivedInAll())
                .put("packsResumed", r.packsResumed())
                .put("bytesResumed", r.bytesResumed())
                .put("requests", r.requests())
                .put("seconds", r.seconds());
        ArrayNode skipped = n.putArray("skipped");
        r.skipped().forEach(skipped::add);
        ArrayNode tags = n.putArray("tags");
        for (Fetch.RefUpdate u : r.tags())
            tags.addObject().put("tag", u.branch()).put("commit", u.after().hex());
        r.tagConflicts().forEach(n.putArray("tagConflicts")::add);
        r.pruned().forEach(n.putArray("pruned")::add);
        ObjectNode others = n.putObject("fromOthers");
        r.fromOthers().forEach(others::put);
        ObjectNode dropped = n.putObject("droppedPeers");
        r.droppedPeers().forEach(dropped::put);
        return n;
    }

    /**
     * One warning line per remote branch that was left out because forge does not accept its name
     * (fetch, pull and clone go on with the rest, exit 0); control characters in it are shown escaped.
     */
    static void warnSkipped(Output out, String remoteName, Fetch.Result r) {
        r.droppedPeers()
                .forEach((peer, why) -> out.warn("warning: peer " + peer + " was dropped (" + why
                        + "); what it owed came" + " from " + remoteName));
        for (String b : r.skipped()) {
            out.warn("warning: skipped branch '" + dev.forge.core.model.PathText.quote(b) + "' of " + remoteName
                    + ": forge does not accept that name (no spaces, control characters, '~', '^', ':', '..',"
                    + " segments starting with '.', or letters outside ASCII); rename it where it was made");
        }
    }

    private static void print(Output out, String remoteName, Fetch.Result r) {
        for (Fetch.RefUpdate u : r.tags())
            out.info("  new tag %s (%s)%n", u.branch(), u.after().shortHex());
        for (String t : r.tagConflicts())
            out.warn("tag " + t + " on " + remoteName + " is at another commit than yours: kept yours");
        for (String b : r.pruned()) out.info("  pruned %s/%s%n", remoteName, b);
        for (Fetch.RefUpdate u : r.updates()) {
            out.info(
                    "  %s/%s: %s -> %s%n",
                    remoteName,
                    u.branch(),
                    u.before() == null ? "(new)" : u.before().shortHex(),
                    u.after().shortHex());
        }
        if (r.repaired() > 0)
            out.info("Repaired %d damaged object%s from %s%n", r.repaired(), r.repaired() == 1 ? "" : "s", remoteName);
        if (r.updates().isEmpty()) {
            if (r.repaired() == 0) out.info("%s: up to date%n", remoteName);
        } else
            out.info(
                    "Fetched %d objects from %d packs, %s received in %.1f s (%s)%n",
                    r.objects(),
                    r.packsRead(),
                    human(r.bytesReceivedInAll()),
                    r.seconds(),
                    rate(r.bytesReceivedInAll(), r.seconds()));
    }
}
