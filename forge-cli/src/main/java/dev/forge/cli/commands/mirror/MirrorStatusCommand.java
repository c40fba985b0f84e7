package dev.forge.cli.commands.mirror;

import static dev.forge.cli.Json.array;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.cli.options.TransferOptions;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.MirrorCheck;
import dev.forge.mirror.MirrorSync;
import dev.forge.mirror.Mirrors;
import dev.forge.mirror.youtube.YouTubeMirror;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "status",
        description = {
            "Show which commits each mirror lacks.",
            "For each mirror and branch: whether it has what the remote it follows has (as this",
            "repository last saw it), and which commits it is missing. Reads each mirror's branches."
        })
public final class MirrorStatusCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    TransferOptions transfer;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "One mirror (default: every mirror).")
    String name;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open(Mode.READ)) {
            var all = new Mirrors(repo).list();
            if (name != null && !all.containsKey(name)) throw new NotFoundException("no mirror named '" + name + "'");
            var opener = MirrorReports.opener(repo, out, transfer);
            MirrorCheck check = new MirrorCheck(repo, opener);
            List<MirrorCheck.Status> statuses = new ArrayList<>();
            java.util.Map<String, YouTubeMirror.Status> videos = new java.util.TreeMap<>();
            for (Mirrors.Mirror m : all.values()) {
                if (name == null || name.equals(m.name())) {
                    statuses.add(check.status(m, MirrorSync.source(repo, m)));
                    if (repo.remotes().get(m.name()).startsWith("youtube://")) {
                        try (var remote = opener.apply(m.name())) {
                            videos.put(m.name(), YouTubeMirror.status(remote));
                        } catch (dev.forge.core.error.ForgeException e) {
                            // the branch status above already says why the mirror cannot be read
                        }
                    }
                }
            }
            if (out.json()) out.json(json(statuses, videos));
            else if (statuses.isEmpty()) out.info("No mirrors ('forge mirror add NAME URL' adds one).%n");
            else print(out, statuses, videos);
        }
        return 0;
    }

    private static void print(
            Output out, List<MirrorCheck.Status> statuses, java.util.Map<String, YouTubeMirror.Status> videos) {
        for (MirrorCheck.Status s : statuses) {
            YouTubeMirror.Status y = videos.get(s.mirror());
            if (y != null)
                out.printf(
                        "%s: YouTube: %d %s uploaded (%d packs, %d bytes%s); %d packs (%d bytes) pending upload%n",
                        s.mirror(),
                        y.videos(),
                        y.videos() == 1 ? "video" : "videos",
                        y.packsUploaded(),
                        y.payloadBytes(),
                        y.last() == null ? "" : ", last " + y.last(),
                        y.packsPending(),
                        y.bytesPending());
            String head =
                    s.mirror() + " (of " + (s.of() == null ? "local branches" : s.of()) + ", takes " + s.route() + ")";
            if (s.error() != null) {
                out.printf("%s: cannot be read: %s%n", head, s.error());
                continue;
            }
            out.printf("%s: %s%n", head, s.upToDate() ? "up to date" : "behind");
            for (MirrorCheck.BranchState b : s.branches()) {
                switch (b.state()) {
                    case "up-to-date" ->
                        out.printf(
                                "  %s\tup to date at %s%n",
                                b.branch(), b.source().shortHex());
                    case "stale" -> out.printf("  %s\ton the mirror only (deleted at the source; kept)%n", b.branch());
                    case "diverged" ->
                        out.printf(
                                "  %s\tdiverged: the mirror is at %s, the source at %s; 'forge mirror sync %s' moves it%n",
                                b.branch(), b.mirror().shortHex(), b.source().shortHex(), s.mirror());
                    default -> {
                        out.printf(
                                "  %s\t%s %d %s: %s%s%n",
                                b.branch(),
                                b.state().equals("absent") ? "absent, needs" : "missing",
                                b.behind(),
                                b.behind() == 1 ? "commit" : "commits",
                                String.join(
                                        " ",
                                        b.missing().stream()
                                                .map(id -> id.shortHex())
                                                .toList()),
                                b.behind() > b.missing().size() ? " ..." : "");
                    }
                }
            }
        }
    }

    private static ArrayNode json(
            List<MirrorCheck.Status> statuses, java.util.Map<String, YouTubeMirror.Status> videos) {
        ArrayNode a = array();
        for (MirrorCheck.Status s : statuses) {
            var n = a.addObject()
                    .put("mirror", s.mirror())
                    .put("of", s.of())
                    .put("route", s.route())
                    .put("upToDate", s.upToDate())
                    .put("error", s.error());
            YouTubeMirror.Status y = videos.get(s.mirror());
            if (y != null)
                n.putObject("youtube")
                        .put("videos", y.videos())
                        .put("packsUploaded", y.packsUploaded())
                        .put("payloadBytes", y.payloadBytes())
                        .put("lastUpload", y.last() == null ? null : y.last().toString())
                        .put("packsPending", y.packsPending())
                        .put("bytesPending", y.bytesPending());
            ArrayNode bs = n.putArray("branches");
            for (MirrorCheck.BranchState b : s.branches()) {
                var bn = bs.addObject()
                        .put("branch", b.branch())
                        .put("state", b.state())
                        .put("source", MirrorReports.hex(b.source()))
                        .put("mirror", MirrorReports.hex(b.mirror()))
                        .put("behind", b.behind());
                b.missing().forEach(id -> bn.withArray("missing").add(id.hex()));
            }
        }
        return a;
    }
}
