package dev.forge.cli.web;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.media.MediaInfo;
import dev.forge.core.media.TimeRange;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.TreeEntry;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.repo.Diff;
import dev.forge.core.repo.ObjectReader;
import dev.forge.core.repo.Repository;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code forge diff A B --visual OUT.png -- PATH}: the web view's visual diff as one picture, for
 * scripts and terminals. Pictures: before, after and the difference side by side; video: the frame
 * strips of both versions one above the other with the changed time ranges marked below; audio: both
 * waveforms with the changed span marked. No text is drawn (a headless machine may have no fonts):
 * the order is always before, then after, then the difference or the marks.
 */
public final class VisualDiff {
    private static final int GAP = 8;
    private static final Color BACKGROUND = new Color(0x14, 0x18, 0x1f);
    private static final Color MARK = new Color(0xe0, 0x31, 0x9b);

    private VisualDiff() {}

    /** What was drawn: the kind of picture and its size. */
    public record Written(String kind, int width, int height) {}

    public static Written write(Repository repo, Path cwd, String a, String b, String path, Path out)
            throws IOException {
        ObjectId x = repo.resolve(a);
        ObjectId y = repo.resolve(b);
        String p = RepoReader.checkPath(repo.repoPath(cwd, path));
        ObjectReader o = repo.objects();
        TreeEntry ea = RepoReader.find(o, o.commit(x).tree(), p);
        TreeEntry eb = RepoReader.find(o, o.commit(y).tree(), p);
        if (ea == null || !ea.kind().isFile()) throw new NotFoundException("'" + p + "' is not a file in " + a);
        if (eb == null || !eb.kind().isFile()) throw new NotFoundException("'" + p + "' is not a file in " + b);
        MediaKind kind = MediaKind.of(p);
        Ffmpeg ffmpeg = Ffmpeg.fromPath();
        if (kind == MediaKind.OTHER)
            throw new InvalidInputException(
                    "--visual draws pictures, video and audio; '" + p + "' is none of them (by its name)");
        if (kind.needsFfmpeg() && !ffmpeg.available())
            throw new ForgeException("ffmpeg is not on PATH: " + Ffmpeg.MISSING);
        System.setProperty("java.awt.headless", "true");
        Path dir = Files.createTempDirectory("forge-visual-");
        try {
            Path fa = dir.resolve("a");
            Path fb = dir.resolve("b");
            try (OutputStream s = Files.newOutputStream(fa)) {
                RepoReader.copy(o, ea, s);
            }
            try (OutputStream s = Files.newOutputStream(fb)) {
                RepoReader.copy(o, eb, s);
            }
            BufferedImage img;
            String what;
            try {
                if (kind.image()) {
                    BufferedImage ia = kind == MediaKind.IMAGE ? Previews.readImage(fa, 0) : ffmpeg.frame(fa, 0, 0);
                    BufferedImage ib = kind == MediaKind.IMAGE ? Previews.readImage(fb, 0) : ffmpeg.frame(fb, 0, 0);
                    img = images(ia, ib);
                    what = "image";
                } else {
                    Diff.FileDiff fd = null;
                    for (Diff.FileDiff f : new Diff(repo)
                            .run(repo.root(), List.of(x.hex(), y.hex()), List.of(p), true, ProgressListener.NONE)
                            .files()) {
                        if (f.path().equals(p)) fd = f;
                    }
                    List<TimeRange> times = fd == null || fd.changedTimes() == null ? List.of() : fd.changedTimes();
                    double d = fd == null ? 0 : Math.max(duration(fd.oldMedia()), duration(fd.newMedia()));
                    if (kind == MediaKind.VIDEO) {
                        if (d <= 0) throw new ForgeException("the duration of '" + p + "' is unknown: no frame strip");
                        long[] t = Previews.times(d, 6);
                        img = stack(List.of(strip(ffmpeg, fa, t), strip(ffmpeg, fb, t)), times, d);
                        what = "video";
                    } else {
                        Path wa = kind == MediaKind.WAV ? fa : ffmpeg.decode(fa, dir.resolve("a"));
                        Path wb = kind == MediaKind.WAV ? fb : ffmpeg.decode(fb, dir.resolve("b"));
                        img = stack(
                                List.of(
                                        Waveform.draw(wa, Previews.WAVE_WIDTH, Previews.WAVE_HEIGHT),
                                        Waveform.draw(wb, Previews.WAVE_WIDTH, Previews.WAVE_HEIGHT)),
                                times,
                                d);
                        what = "audio";
                    }
                }
            } catch (Previews.Unavailable e) {
                throw new ForgeException(e.getMessage());
            }
            Path part = dir.resolve("out.png");
            Files.write(part, Previews.png(img));
            Path target = out.toAbsolutePath();
            if (target.getParent() != null) Files.createDirectories(target.getParent());
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            return new Written(what, img.getWidth(), img.getHeight());
        } finally {
            try (var s = Files.list(dir)) {
                for (Path f : s.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Before, after and the difference over a faint after, side by side. */
    static BufferedImage images(BufferedImage a, BufferedImage b) {
        BufferedImage diff = ImageDiff.diff(a, b, Integer.MAX_VALUE).image();
        int w = a.getWidth() + b.getWidth() + diff.getWidth() + 2 * GAP;
        int h = Math.max(a.getHeight(), Math.max(b.getHeight(), diff.getHeight()));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, w, h);
            g.drawImage(a, 0, 0, null);
            g.drawImage(b, a.getWidth() + GAP, 0, null);
            int x = a.getWidth() + b.getWidth() + 2 * GAP;
            g.setColor(Color.BLACK);
            g.fillRect(x, 0, diff.getWidth(), diff.getHeight());
            g.setComposite(java.awt.AlphaComposite.getInstance(java.awt.AlphaComposite.SRC_OVER, 0.25f));
            g.drawImage(b, x, 0, null);
            g.setComposite(java.awt.AlphaComposite.SrcOver);
            g.drawImage(diff, x, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static BufferedImage strip(Ffmpeg ffmpeg, Path video, long[] millis)
            throws IOException, Previews.Unavailable {
        List<BufferedImage> frames = new ArrayList<>();
        int h = 1;
        for (long m : millis) {
            BufferedImage f;
            try {
                f = Previews.scale(ffmpeg.frame(video, m / 1000.0, Previews.FRAME_WIDTH), Previews.FRAME_WIDTH, 1000);
            } catch (IOException e) {
                f = null;
            }
            frames.add(f);
            if (f != null) h = Math.max(h, f.getHeight());
        }
        BufferedImage out = new BufferedImage(Previews.FRAME_WIDTH * millis.length, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            for (int i = 0; i < frames.size(); i++) {
                BufferedImage f = frames.get(i);
                if (f != null)
                    g.drawImage(f, i * Previews.FRAME_WIDTH + (Previews.FRAME_WIDTH - f.getWidth()) / 2, 0, null);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Rows one above the other, then a bar with the changed time ranges of {@code seconds} marked. */
    static BufferedImage stack(List<BufferedImage> rows, List<TimeRange> changed, double seconds) {
        int w = 0;
        int h = 0;
        for (BufferedImage r : rows) {
            w = Math.max(w, r.getWidth());
            h += r.getHeight() + GAP;
        }
        int bar = 14;
        BufferedImage out = new BufferedImage(w, h + bar, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, w, h + bar);
            int y = 0;
            for (BufferedImage r : rows) {
                g.drawImage(r, 0, y, null);
                y += r.getHeight() + GAP;
            }
            g.setColor(MARK);
            if (seconds > 0) {
                for (TimeRange t : changed) {
                    int x0 = (int) Math.floor(Math.max(0, t.start()) / seconds * w);
                    int x1 = (int) Math.ceil(Math.min(seconds, t.end()) / seconds * w);
                    g.fillRect(x0, y, Math.max(1, x1 - x0), bar);
                }
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static double duration(MediaInfo m) {
        Double d = switch (m) {
            case MediaInfo.Video v -> v.durationSeconds();
            case MediaInfo.Audio au -> au.durationSeconds();
            case null, default -> null;
        };
        return d == null || d.isNaN() ? 0 : d;
    }
}
