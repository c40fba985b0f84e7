package dev.forge.cli.commands.mirror;

import static dev.forge.cli.Units.human;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forge.cli.Json;
import dev.forge.cli.Output;
import dev.forge.core.error.PartialResultException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.MirrorSync;
import dev.forge.mirror.Remote;
import dev.forge.mirror.Remotes;
import java.util.List;
import java.util.function.Function;

/** How {@code forge push} and {@code forge mirror sync} open mirrors and report what a sync did. */
public final class MirrorReports {
    private MirrorReports() {}

    /** Opens mirrors by name as {@code options} says (-j, deadlines, retry notices). */
    public static Function<String, Remote> opener(
            Repository repo, Output out, dev.forge.cli.options.TransferOptions transfer) {
        return name -> new Remotes(repo).open(name, transfer.options(name, out, repo.config()));
    }

    /** One line a mirror: what it got, or why it failed (a warning: the command itself goes on). */
    public static void print(Output out, List<MirrorSync.Report> reports) {
        for (MirrorSync.Report r : reports) {
            if (!r.ok()) {
                out.warn("mirror " + r.mirror() + " not updated: " + r.error());
                continue;
            }
            long moved = r.branches().stream().filter(b -> !b.upToDate()).count();
            long objects = r.branches().stream()
                    .mapToLong(MirrorSync.BranchResult::objects)
                    .sum();
            if (moved == 0 && r.tags().isEmpty()) {
                out.info("  mirror %s: up to date%n", r.mirror());
            } else {
                out.info(
                        "  mirror %s: %d %s updated%s, %d objects, %s sent in %.1f s (takes %s)%n",
                        r.mirror(),
                        moved,
                        moved == 1 ? "branch" : "branches",
                        r.tags().isEmpty() ? "" : ", " + r.tags().size() + " tags",
                        objects,
                        human(r.bytesSent()),
                        r.seconds(),
                        r.route());
            }
            if (r.youtube() != null) printVideos(out, r.mirror(), r.youtube());
        }
    }

    /** What a YouTube mirror's upload did: videos up, packs pending, and why it stopped (never an error). */
    static void printVideos(Output out, String mirror, dev.forge.mirror.youtube.YouTubeMirror.Result y) {
        if (!y.videoIds().isEmpty())
            out.info(
                    "  mirror %s: %d %s uploaded to YouTube (%d packs, %s): %s%n",
                    mirror,
                    y.videoIds().size(),
                    y.videoIds().size() == 1 ? "video" : "videos",
                    y.packsUploaded(),
                    human(y.payloadBytes()),
                    String.join(" ", y.videoIds()));
        if (y.packsPending() > 0)
            out.warn("mirror " + mirror + ": " + y.packsPending() + " packs (" + human(y.bytesPending())
                    + ") still pending: " + y.stopped() + "; 'forge mirror sync " + mirror + "' uploads them later");
    }

    static com.fasterxml.jackson.databind.node.ObjectNode videosJson(dev.forge.mirror.youtube.YouTubeMirror.Result y) {
        var n = Json.object()
                .put("packsUploaded", y.packsUploaded())
                .put("payloadBytes", y.payloadBytes())
                .put("packsPending", y.packsPending())
                .put("bytesPending", y.bytesPending())
                .put("stopped", y.stopped());
        y.videoIds().forEach(n.putArray("videos")::add);
        return n;
    }

    public static ArrayNode json(List<MirrorSync.Report> reports) {
        ArrayNode a = Json.array();
        for (MirrorSync.Report r : reports) {
            var n = a.addObject()
                    .put("mirror", r.mirror())
                    .put("ok", r.ok())
                    .put("error", r.error())
                    .put("route", r.route())
                    .put("bytesSent", r.bytesSent())
                    .put("requests", r.requests())
                    .put("seconds", r.seconds());
            ArrayNode bs = n.putArray("branches");
            for (MirrorSync.BranchResult b : r.branches()) {
                bs.addObject()
                        .put("branch", b.branch())
                        .put("commit", b.commit().hex())
                        .put("previous", hex(b.previous()))
                        .put("upToDate", b.upToDate())
                        .put("objects", b.objects());
            }
            r.tags().forEach(n.putArray("tags")::add);
            if (r.youtube() != null) n.set("youtube", videosJson(r.youtube()));
        }
        return a;
    }

    /** For {@code forge mirror sync}: fails (exit 12, or the one mirror's own code) when a mirror failed. */
    public static void requireAllOk(List<MirrorSync.Report> reports) {
        List<MirrorSync.Report> failed = reports.stream().filter(r -> !r.ok()).toList();
        if (failed.isEmpty()) return;
        if (reports.size() == 1) throw failed.getFirst().failure();
        throw new PartialResultException(
                failed.size() + " of " + reports.size() + " mirrors were not updated",
                failed.stream().map(r -> r.mirror() + " (" + r.error() + ")").toList());
    }

    static String hex(ObjectId id) {
        return id == null ? null : id.hex();
    }
}
