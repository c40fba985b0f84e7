package dev.forge.cli.web;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Thumbnails, previews, waveforms, frame strips and difference images, made on demand and cached as
 * PNG files under {@code .forge/web-cache/} by the content id of the bytes they show: the same bytes
 * are never drawn twice (a second request for a picture being made waits for the first). At most
 * {@code workers} pictures are made at once, so a page with 100,000 thumbnails queues them rather
 * than starting 100,000 decoders. A file that is too large, unreadable or of a kind nobody can draw
 * gets a placeholder picture: never an error.
 */
final class Previews {
    static final int THUMB = 160;
    static final int PREVIEW = 1600;
    static final int WAVE_WIDTH = 1000;
    static final int WAVE_HEIGHT = 120;
    static final int FRAME_WIDTH = 192;
    /** Largest file drawn by ImageIO, and most pixels decoded at full resolution (larger ones are subsampled). */
    static final long MAX_IMAGE_BYTES = 512L << 20;

    static final long MAX_PIXELS = 40_000_000L;
    /** Largest video or audio file copied out for ffmpeg or the WAV reader. */
    static final long MAX_MEDIA_BYTES = 4L << 30;

    private static final Pattern KEY = Pattern.compile("[a-z]+(-[0-9a-f]{1,64})+");

    /** Writes the bytes of the file shown into {@code file}; Unavailable when it has more than {@code max}. */
    interface Extract {
        void to(Path file, long max) throws IOException, Unavailable;
    }

    /** A version of a file: its content id (hex), kind, and how to get its bytes. */
    record Source(String id, MediaKind kind, Extract extract) {}

    /** Why a picture could not be made, as the page says it. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private interface Maker {
        BufferedImage make(Path tmp) throws IOException, Unavailable;
    }

    private final Path dir;
    private final Path tmp;
    private final Semaphore workers;
    private final Ffmpeg ffmpeg;
    private final ConcurrentHashMap<String, CompletableFuture<byte[]>> making = new ConcurrentHashMap<>();
    private final AtomicInteger made = new AtomicInteger();

    Previews(Path dir, int workers, Ffmpeg ffmpeg) {
        this.dir = dir;
        this.tmp = tempFolder(dir.resolve("tmp"));
        this.workers = new Semaphore(workers, true);
        this.ffmpeg = ffmpeg;
    }

    /**
     * {@code preferred}, or where the repository cannot be written (a read-only mount) a private
     * temporary folder: pictures are then drawn without being cached, never refused.
     */
    private static Path tempFolder(Path preferred) {
        try {
            Files.createDirectories(preferred);
            if (Files.isWritable(preferred)) return preferred;
        } catch (IOException e) {
            // below
        }
        try {
            Path t = Files.createTempDirectory("forge-web-");
            t.toFile().deleteOnExit();
            return t;
        } catch (IOException e) {
            return preferred;
        }
    }

    /** How many pictures were drawn (not read from the cache) since start. */
    int made() {
        return made.get();
    }

    Ffmpeg ffmpeg() {
        return ffmpeg;
    }

    byte[] thumbnail(Source s) {
        return cached("thumb-" + s.id(), THUMB, 120, tmp -> switch (s.kind()) {
            case IMAGE -> scale(readImage(file(s, tmp, MAX_IMAGE_BYTES), THUMB), THUMB, THUMB);
            case IMAGE_FFMPEG -> scale(ffmpeg().frame(file(s, tmp, MAX_MEDIA_BYTES), 0, THUMB), THUMB, THUMB);
            case VIDEO -> scale(ffmpeg().frame(file(s, tmp, MAX_MEDIA_BYTES), 0, THUMB), THUMB, THUMB);
            case WAV -> Waveform.draw(file(s, tmp, MAX_MEDIA_BYTES), THUMB, 90);
            case AUDIO_FFMPEG -> Waveform.draw(ffmpeg().decode(file(s, tmp, MAX_MEDIA_BYTES), tmp), THUMB, 90);
            case OTHER -> throw new Unavailable("no preview for this kind of file");
        });
    }

    /** The picture at up to {@link #PREVIEW} pixels a side, for side-by-side, slider and onion skin. */
    byte[] preview(Source s) {
        return cached("preview-" + s.id(), 400, 300, tmp -> switch (s.kind()) {
            case IMAGE -> scale(readImage(file(s, tmp, MAX_IMAGE_BYTES), PREVIEW), PREVIEW, PREVIEW);
            case IMAGE_FFMPEG -> scale(ffmpeg().frame(file(s, tmp, MAX_MEDIA_BYTES), 0, PREVIEW), PREVIEW, PREVIEW);
            default -> throw new Unavailable("not a picture");
        });
    }

    byte[] waveform(Source s) {
        return cached("wave-" + s.id(), WAVE_WIDTH, WAVE_HEIGHT, tmp -> switch (s.kind()) {
            case WAV -> Waveform.draw(file(s, tmp, MAX_MEDIA_BYTES), WAVE_WIDTH, WAVE_HEIGHT);
            case AUDIO_FFMPEG ->
                Waveform.draw(ffmpeg().decode(file(s, tmp, MAX_MEDIA_BYTES), tmp), WAVE_WIDTH, WAVE_HEIGHT);
            default -> throw new Unavailable("not audio");
        });
    }

    /** Frames at {@code millis} (times in milliseconds), side by side; a time past the end is a dark frame. */
    byte[] strip(Source s, long[] millis) {
        StringBuilder key = new StringBuilder("strip-").append(s.id());
        for (long m : millis) key.append('-').append(Long.toHexString(m));
        return cached(key.toString(), FRAME_WIDTH * millis.length, 108, tmp -> {
            Path f = file(s, tmp, MAX_MEDIA_BYTES);
            List<BufferedImage> frames = new ArrayList<>();
            int h = 0;
            for (long m : millis) {
                BufferedImage fr;
                try {
                    fr = scale(ffmpeg().frame(f, m / 1000.0, FRAME_WIDTH), FRAME_WIDTH, FRAME_WIDTH * 4);
                } catch (IOException e) {
                    fr = null; // past the end of this version: a dark frame
                }
                frames.add(fr);
                if (fr != null) h = Math.max(h, fr.getHeight());
            }
            if (h == 0) throw new Unavailable("ffmpeg read no frame of this video");
            BufferedImage out = new BufferedImage(FRAME_WIDTH * millis.length, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = out.createGraphics();
            try {
                g.setColor(Color.BLACK);
                g.fillRect(0, 0, out.getWidth(), h);
                for (int i = 0; i < frames.size(); i++) {
                    BufferedImage fr = frames.get(i);
                    if (fr != null)
                        g.drawImage(
                                fr,
                                i * FRAME_WIDTH + (FRAME_WIDTH - fr.getWidth()) / 2,
                                (h - fr.getHeight()) / 2,
                                null);
                }
            } finally {
                g.dispose();
            }
            return out;
        });
    }

    /** The difference image of two pictures ({@link ImageDiff}). */
    byte[] difference(Source a, Source b) {
        return cached("diff-" + a.id() + "-" + b.id(), 400, 300, tmp -> {
            if (!a.kind().image() || !b.kind().image()) throw new Unavailable("not pictures");
            BufferedImage x = a.kind() == MediaKind.IMAGE
                    ? readImage(file(a, tmp, MAX_IMAGE_BYTES), 0)
                    : ffmpeg().frame(file(a, tmp, MAX_MEDIA_BYTES), 0, 0);
            Path tmp2 = tmp.resolveSibling(tmp.getFileName() + "-b");
            try {
                BufferedImage y = b.kind() == MediaKind.IMAGE
                        ? readImage(file(b, tmp2, MAX_IMAGE_BYTES), 0)
                        : ffmpeg().frame(file(b, tmp2, MAX_MEDIA_BYTES), 0, 0);
                return ImageDiff.diff(x, y, PREVIEW).image();
            } finally {
                Files.deleteIfExists(tmp2);
            }
        });
    }

    // ---- the cache

    private byte[] cached(String key, int placeholderW, int placeholderH, Maker maker) {
        if (!KEY.matcher(key).matches()) throw new IllegalArgumentException("bad cache key " + key);
        Path file = dir.resolve(key + ".png");
        byte[] hit = readIfPresent(file);
        if (hit != null) return hit;
        CompletableFuture<byte[]> mine = new CompletableFuture<>();
        CompletableFuture<byte[]> other = making.putIfAbsent(key, mine);
        if (other != null) return other.join();
        try {
            byte[] png = readIfPresent(file); // made by the one that just finished
            if (png == null) png = make(file, placeholderW, placeholderH, maker);
            mine.complete(png);
            return png;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            making.remove(key, mine);
        }
    }

    private byte[] make(Path file, int placeholderW, int placeholderH, Maker maker) {
        try {
            workers.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return placeholder(placeholderW, placeholderH);
        }
        Path t = null;
        try {
            t = tmp.resolve(UUID.randomUUID().toString());
            BufferedImage img;
            try {
                img = maker.make(t);
            } catch (Unavailable | IOException | RuntimeException e) {
                return placeholder(placeholderW, placeholderH);
            }
            byte[] png = png(img);
            made.incrementAndGet();
            store(file, png);
            return png;
        } finally {
            workers.release();
            if (t != null) {
                for (String suffix : List.of("", "-b", "-decoded.wav", "-frame.png", "-b-frame.png")) {
                    try {
                        Files.deleteIfExists(t.resolveSibling(t.getFileName() + suffix));
                    } catch (IOException e) {
                        // a temporary file left in .forge/web-cache/tmp is removed at the next start
                    }
                }
            }
        }
    }

    /**
     * Writes a picture into the cache: to a temporary file, then renamed into place, so a reader sees
     * the whole picture or none. Where the cache cannot be written the picture is only not cached.
     */
    private void store(Path file, byte[] png) {
        Path part = dir.resolve("tmp").resolve(UUID.randomUUID() + ".png");
        try {
            Files.createDirectories(part.getParent());
            Files.write(part, png);
            try {
                Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // nothing was written, or nothing can be
            }
        }
    }

    /** Removes what an earlier run left in the temporary folder. */
    void cleanTemp() {
        if (!Files.isDirectory(tmp)) return;
        try (var s = Files.list(tmp)) {
            for (Path p : s.toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // not important: the files are small and named at random
        }
    }

    private static byte[] readIfPresent(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Path file(Source s, Path tmp, long max) throws IOException, Unavailable {
        s.extract().to(tmp, max);
        return tmp;
    }

    // ---- pictures

    static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            if (!ImageIO.write(img, "png", b)) throw new IOException("no PNG writer");
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A grey box with a cross: "nothing to show here". */
    static byte[] placeholder(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(new Color(0x44, 0x4b, 0x57));
            g.fillRect(0, 0, w, h);
            g.setColor(new Color(0x6b, 0x73, 0x80));
            g.drawRect(0, 0, w - 1, h - 1);
            g.drawLine(0, 0, w - 1, h - 1);
            g.drawLine(0, h - 1, w - 1, 0);
        } finally {
            g.dispose();
        }
        return png(img);
    }

    /**
     * Reads a picture with ImageIO. {@code side} > 0: only needed at about that size, so large pictures
     * are subsampled while they are read; any picture over {@link #MAX_PIXELS} is subsampled too.
     */
    static BufferedImage readImage(Path f, int side) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
            if (in == null) throw new IOException("cannot read " + f);
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new IOException("not a picture ImageIO reads");
            ImageReader r = readers.next();
            try {
                r.setInput(in, true, true);
                long w = r.getWidth(0);
                long h = r.getHeight(0);
                int step = 1;
                while (w / step * (h / step) > MAX_PIXELS) step++;
                if (side > 0) step = (int) Math.max(step, Math.min(w, h) / (side * 2L));
                ImageReadParam p = r.getDefaultReadParam();
                if (step > 1) p.setSourceSubsampling(step, step, 0, 0);
                BufferedImage img = r.read(0, p);
                if (img == null) throw new IOException("no picture in " + f);
                return img;
            } finally {
                r.dispose();
            }
        }
    }

    /** {@code img} shrunk to fit {@code maxW} x {@code maxH} (never enlarged), as ARGB. */
    static BufferedImage scale(BufferedImage img, int maxW, int maxH) {
        double k = Math.min(1.0, Math.min((double) maxW / img.getWidth(), (double) maxH / img.getHeight()));
        int w = Math.max(1, (int) Math.round(img.getWidth() * k));
        int h = Math.max(1, (int) Math.round(img.getHeight() * k));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(img, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Frame times for strips: {@code n} evenly spread over {@code seconds}, in milliseconds. */
    static long[] times(double seconds, int n) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) t[i] = Math.round((i + 0.5) / n * seconds * 1000);
        return t;
    }

    static String describe(long[] millis) {
        StringBuilder sb = new StringBuilder();
        for (long m : millis)
            sb.append(sb.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.2f s", m / 1000.0));
        return sb.toString();
    }
}
