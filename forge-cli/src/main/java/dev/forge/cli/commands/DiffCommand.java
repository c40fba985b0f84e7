package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;
import static dev.forge.cli.Units.human;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.media.ByteRange;
import dev.forge.core.media.MediaInfo;
import dev.forge.core.media.TimeRange;
import dev.forge.core.model.FileKind;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Diff;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Status;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        addMethodSubcommands = false,
        name = "diff",
        customSynopsis = {
            "forge diff [REV [REV]] [--stat] [--json] [-- PATH...]",
            "       forge diff A B --visual OUT.png -- PATH"
        },
        description = {
            "Show what changed, with new bytes and media details per file.",
            "Text files get a unified diff; images (PNG, JPEG), video (MP4, MOV) and WAV audio",
            "get what their headers say on both sides, with the changed bytes mapped to time.",
            "No REV: the stage against the work tree. One REV: that commit against the",
            "work tree. Two: the first against the second. New bytes: the bytes of the",
            "new version in chunks that the old version does not have."
        })
public final class DiffCommand implements Callable<Integer> {
    /** JSON lists of ranges stop here; the counts say how many there are in all. */
    private static final int MAX_JSON_RANGES = 1000;

    @Parameters(
            paramLabel = "REV",
            arity = "0..*",
            description = "Revisions (at most two), then after -- the paths to restrict to.")
    List<String> args = new ArrayList<>();

    @Option(names = "--stat", description = "One line per file (sizes and new bytes) and a total.")
    boolean stat;

    @Option(
            names = "--visual",
            paramLabel = "OUT.png",
            description = "Draw the change of one picture, video or audio file between two revisions into OUT.png"
                    + " (as forge web shows it).")
    java.nio.file.Path visual;

    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    private Output out;

    @Override
    public Integer call() {
        out = common.output(json);
        // Everything after "--" is a path; picocli hands revisions and paths over as one list, in order.
        List<String> original = spec.commandLine().getParseResult().expandedArgs();
        int dashes = original.indexOf("--");
        int pathCount = dashes < 0 ? 0 : Math.min(args.size(), original.size() - dashes - 1);
        List<String> revs = args.subList(0, args.size() - pathCount);
        List<String> paths = args.subList(args.size() - pathCount, args.size());
        if (visual != null) return visual(revs, paths);
        try (Repository repo = common.open(Mode.READ)) {
            Diff.Result r = new Diff(repo).run(common.cwd(), revs, paths, !stat, out.progress());
            if (out.json()) {
                out.json(json(r));
            } else if (stat) {
                printStat(r);
            } else {
                printFull(r);
            }
        }
        return 0;
    }

    private int visual(List<String> revs, List<String> paths) {
        if (revs.size() != 2 || paths.size() != 1 || stat) {
            throw new dev.forge.core.error.InvalidInputException(
                    "--visual takes two revisions and one path: forge diff A B --visual OUT.png -- PATH");
        }
        try (Repository repo = common.open(Mode.READ)) {
            dev.forge.cli.web.VisualDiff.Written w = dev.forge.cli.web.VisualDiff.write(
                    repo,
                    common.cwd(),
                    revs.get(0),
                    revs.get(1),
                    paths.get(0),
                    common.cwd().resolve(visual));
            if (out.json()) {
                out.json(object().put("file", common.cwd().resolve(visual).toString())
                        .put("kind", w.kind())
                        .put("width", w.width())
                        .put("height", w.height()));
            } else {
                out.println("Wrote " + visual + " (" + w.kind() + ", " + w.width() + "x" + w.height() + ")");
            }
        } catch (java.io.IOException e) {
            throw new dev.forge.core.error.ForgeException("cannot write " + visual + ": " + e.getMessage(), e);
        }
        return 0;
    }

    // ---- JSON

    private ObjectNode json(Diff.Result r) {
        ObjectNode n = object();
        side(n.putObject("from"), r.from());
        side(n.putObject("to"), r.to());
        ArrayNode files = n.putArray("files");
        for (Diff.FileDiff f : r.files()) {
            ObjectNode o = files.addObject();
            o.put("path", f.path()).put("change", f.change().name().toLowerCase(Locale.ROOT));
            o.put("oldKind", kind(f.oldKind())).put("newKind", kind(f.newKind()));
            o.put("oldSize", f.oldSize()).put("newSize", f.newSize()).put("newBytes", f.newBytes());
            o.put("newRangeCount", f.newRanges().size());
            ArrayNode ranges = o.putArray("newRanges");
            for (ByteRange b : f.newRanges()
                    .subList(0, Math.min(MAX_JSON_RANGES, f.newRanges().size()))) {
                ranges.addObject().put("offset", b.offset()).put("length", b.length());
            }
            media(o, "old", f.oldMedia());
            media(o, "new", f.newMedia());
            if (f.changedTimes() == null) {
                o.putNull("changedTimes");
            } else {
                ArrayNode t = o.putArray("changedTimes");
                for (TimeRange x : f.changedTimes()
                        .subList(0, Math.min(MAX_JSON_RANGES, f.changedTimes().size()))) {
                    t.addObject().put("start", round(x.start(), 6)).put("end", round(x.end(), 6));
                }
            }
            o.put(
                    "unifiedDiff",
                    f.unifiedDiff() == null
                            ? null
                            : String.join("\n", f.unifiedDiff())
                                    + (f.unifiedDiff().isEmpty() ? "" : "\n"));
        }
        ObjectNode t = n.putObject("total");
        t.put("files", r.files().size())
                .put("added", r.count(Status.ChangeKind.ADDED))
                .put("modified", r.count(Status.ChangeKind.MODIFIED))
                .put("deleted", r.count(Status.ChangeKind.DELETED))
                .put("typeChanged", r.count(Status.ChangeKind.TYPE_CHANGED))
                .put("oldSize", r.oldSize())
                .put("newSize", r.newSize())
                .put("newBytes", r.newBytes());
        return n;
    }

    private static void side(ObjectNode n, Diff.Side s) {
        n.put(
                "side",
                switch (s.kind()) {
                    case COMMIT -> "commit";
                    case STAGE -> "stage";
                    case WORK_TREE -> "worktree";
                });
        n.put("rev", s.rev());
        n.put("commit", s.commit() == null ? null : s.commit().hex());
    }

    private static String kind(FileKind k) {
        return k == null ? null : k.name().toLowerCase(Locale.ROOT);
    }

    private static void media(ObjectNode parent, String field, MediaInfo m) {
        if (m == null) {
            parent.putNull(field);
            return;
        }
        ObjectNode n = parent.putObject(field).put("type", m.type());
        switch (m) {
            case MediaInfo.Image i ->
                n.put("format", i.format())
                        .put("width", i.width())
                        .put("height", i.height())
                        .put("bitDepth", i.bitDepth())
                        .put("color", i.color());
            case MediaInfo.Audio a ->
                n.put("format", a.format())
                        .put("codec", a.codec())
                        .put("channels", a.channels())
                        .put("sampleRate", a.sampleRate())
                        .put("bitsPerSample", a.bitsPerSample())
                        .put("durationSeconds", round(a.durationSeconds(), 6));
            case MediaInfo.Video v -> {
                MediaInfo.Track vt = v.videoTrack().orElse(null);
                n.put("container", v.container())
                        .put("brand", v.brand())
                        .put("durationSeconds", round(v.durationSeconds(), 6))
                        .put("codec", vt == null ? null : vt.codec())
                        .put("width", vt == null ? null : vt.width())
                        .put("height", vt == null ? null : vt.height())
                        .put("frameRate", vt == null ? null : round(vt.frameRate(), 3));
                ArrayNode tracks = n.putArray("tracks");
                for (MediaInfo.Track t : v.tracks()) {
                    tracks.addObject()
                            .put("id", t.id())
                            .put("handler", t.handler())
                            .put("codec", t.codec())
                            .put("width", t.width())
                            .put("height", t.height())
                            .put("durationSeconds", round(t.durationSeconds(), 6))
                            .put("samples", t.samples())
                            .put("frameRate", round(t.frameRate(), 3))
                            .put("channels", t.channels())
                            .put("sampleRate", t.sampleRate());
                }
            }
        }
    }

    private static Double round(Double v, int places) {
        if (v == null || v.isNaN() || v.isInfinite()) return null;
        return BigDecimal.valueOf(v).setScale(places, RoundingMode.HALF_UP).doubleValue();
    }

    // ---- --stat

    private void printStat(Diff.Result r) {
        if (r.files().isEmpty()) return;
        int width = 0;
        for (Diff.FileDiff f : r.files())
            width = Math.max(
                    width, dev.forge.core.model.PathText.quote(f.path()).length());
        width = Math.min(width, 60);
        for (Diff.FileDiff f : r.files()) {
            String tag = switch (f.change()) {
                case ADDED -> " (added)";
                case DELETED -> " (deleted)";
                case TYPE_CHANGED -> " (" + kind(f.oldKind()) + " -> " + kind(f.newKind()) + ")";
                case MODIFIED -> "";
            };
            out.printf(
                    " %-" + width + "s | %10s → %10s, %10s new%s%n",
                    dev.forge.core.model.PathText.quote(f.path()),
                    human(f.oldSize()),
                    human(f.newSize()),
                    human(f.newBytes()),
                    tag);
        }
        out.println(" " + totals(r));
    }

    private static String totals(Diff.Result r) {
        int n = r.files().size();
        StringBuilder sb = new StringBuilder().append(n).append(n == 1 ? " file changed" : " files changed");
        long added = r.count(Status.ChangeKind.ADDED);
        long deleted = r.count(Status.ChangeKind.DELETED);
        if (added > 0) sb.append(", ").append(added).append(" added");
        if (deleted > 0) sb.append(", ").append(deleted).append(" deleted");
        sb.append(", ")
                .append(human(r.oldSize()))
                .append(" → ")
                .append(human(r.newSize()))
                .append(", ")
                .append(human(r.newBytes()))
                .append(" new");
        return sb.toString();
    }

    // ---- full

    private void printFull(Diff.Result r) {
        boolean first = true;
        for (Diff.FileDiff f : r.files()) {
            if (!first) out.println();
            first = false;
            String a = dev.forge.core.model.PathText.quote("a/" + f.path());
            String b = dev.forge.core.model.PathText.quote("b/" + f.path());
            out.println("diff " + a + " " + b);
            out.println(summary(f));
            if (f.unifiedDiff() != null) {
                for (String line : f.unifiedDiff()) {
                    if (line.equals("--- a/" + f.path())) line = "--- " + a;
                    else if (line.equals("+++ b/" + f.path())) line = "+++ " + b;
                    out.println(line);
                }
                continue;
            }
            if (f.oldMedia() != null) out.println("old: " + describe(f.oldMedia()));
            if (f.newMedia() != null) out.println("new: " + describe(f.newMedia()));
            if (f.changedTimes() != null && !f.changedTimes().isEmpty()) {
                List<String> parts = new ArrayList<>();
                for (TimeRange t :
                        f.changedTimes().subList(0, Math.min(8, f.changedTimes().size()))) {
                    parts.add(timecode(t.start()) + "–" + timecode(t.end()));
                }
                if (f.changedTimes().size() > 8)
                    parts.add("... (" + f.changedTimes().size() + " ranges)");
                out.println("changed: " + String.join(", ", parts));
            }
        }
        if (r.files().size() > 1) {
            out.println();
            out.println(totals(r));
        }
    }

    private static String summary(Diff.FileDiff f) {
        String ranges = f.newRanges().size() > 1 ? " in " + f.newRanges().size() + " ranges" : "";
        return switch (f.change()) {
            case ADDED -> "added, " + human(f.newSize()) + ", " + human(f.newBytes()) + " new";
            case DELETED -> "deleted, " + human(f.oldSize());
            case MODIFIED ->
                "modified, " + human(f.oldSize()) + " → " + human(f.newSize()) + ", " + human(f.newBytes()) + " new"
                        + ranges;
            case TYPE_CHANGED ->
                "type changed (" + kind(f.oldKind()) + " → " + kind(f.newKind()) + "), " + human(f.oldSize()) + " → "
                        + human(f.newSize()) + ", " + human(f.newBytes()) + " new" + ranges;
        };
    }

    /** One line for people; "?" where a field is unknown. */
    public static String describe(MediaInfo m) {
        return switch (m) {
            case MediaInfo.Image i ->
                i.format().toUpperCase(Locale.ROOT) + " " + q(i.width()) + "x" + q(i.height())
                        + (i.bitDepth() != null ? ", " + i.bitDepth() + "-bit" : "")
                        + (i.color() != null ? " " + i.color() : "");
            case MediaInfo.Audio a ->
                "WAV " + q(a.codec()) + ", " + q(a.channels()) + " ch, " + q(a.sampleRate()) + " Hz, "
                        + q(a.bitsPerSample()) + "-bit, " + seconds(a.durationSeconds());
            case MediaInfo.Video v -> {
                StringBuilder sb = new StringBuilder(
                        v.container() == null ? "ISO media" : v.container().toUpperCase(Locale.ROOT));
                if (v.brand() != null) sb.append(" (").append(v.brand().trim()).append(")");
                sb.append(", ").append(seconds(v.durationSeconds()));
                for (MediaInfo.Track t : v.tracks()) {
                    sb.append("; ");
                    if ("vide".equals(t.handler())) {
                        sb.append("video ")
                                .append(q(t.codec()))
                                .append(' ')
                                .append(q(t.width()))
                                .append('x')
                                .append(q(t.height()))
                                .append(' ')
                                .append(t.frameRate() == null ? "?" : plain(t.frameRate(), 3))
                                .append(" fps");
                    } else if ("soun".equals(t.handler())) {
                        sb.append("audio ")
                                .append(q(t.codec()))
                                .append(", ")
                                .append(q(t.channels()))
                                .append(" ch, ")
                                .append(q(t.sampleRate()))
                                .append(" Hz");
                    } else {
                        sb.append(q(t.handler()).trim()).append(' ').append(q(t.codec()));
                    }
                }
                yield sb.toString();
            }
        };
    }

    private static String q(Object v) {
        return v == null ? "?" : v.toString();
    }

    private static String seconds(Double s) {
        return s == null ? "? s" : String.format(Locale.ROOT, "%.3f s", s);
    }

    private static String plain(double v, int places) {
        return BigDecimal.valueOf(v)
                .setScale(places, RoundingMode.HALF_UP)
                .stripTrailingZeros()
                .toPlainString();
    }

    /** H:MM:SS.mmm */
    static String timecode(double seconds) {
        long ms = Math.round(seconds * 1000);
        return String.format(
                Locale.ROOT, "%d:%02d:%02d.%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    }
}
