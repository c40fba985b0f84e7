package dev.forge.cli.web;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The {@code ffmpeg} program, for what the JDK cannot decode: video frames, EXR/TIFF/WebP stills and
 * compressed audio. It is optional: without it the page says which package to install.
 */
final class Ffmpeg {
    static final String MISSING = "install ffmpeg (the package 'ffmpeg') to see video frames, EXR/TIFF/WebP"
            + " pictures and compressed audio";
    private static final long TIMEOUT_SECONDS = 120;

    private final Path program;

    Ffmpeg(Path program) {
        this.program = program;
    }

    /** ffmpeg from PATH, or one that is not available. */
    static Ffmpeg fromPath() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                if (d.isEmpty()) continue;
                for (String name : List.of("ffmpeg", "ffmpeg.exe")) {
                    Path p = Path.of(d, name);
                    if (Files.isRegularFile(p) && Files.isExecutable(p)) return new Ffmpeg(p);
                }
            }
        }
        return new Ffmpeg(null);
    }

    boolean available() {
        return program != null;
    }

    /** The frame at {@code seconds}, {@code width} pixels wide (0: as it is). */
    BufferedImage frame(Path input, double seconds, int width) throws IOException, Previews.Unavailable {
        Path out = input.resolveSibling(input.getFileName() + "-frame.png");
        try {
            List<String> args = new ArrayList<>(List.of(
                    "-ss", String.format(Locale.ROOT, "%.3f", seconds), "-i", input.toString(), "-frames:v", "1"));
            if (width > 0) args.addAll(List.of("-vf", "scale='min(" + width + ",iw)':-2"));
            args.addAll(List.of("-f", "image2", "-c:v", "png", "-y", out.toString()));
            run(args);
            if (!Files.isRegularFile(out) || Files.size(out) == 0) throw new IOException("ffmpeg wrote no frame");
            return Previews.readImage(out, 0);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Decodes audio to a 16-bit WAV beside {@code input} (22.05 kHz is plenty for a drawing). */
    Path decode(Path input, Path tmp) throws IOException, Previews.Unavailable {
        Path out = tmp.resolveSibling(tmp.getFileName() + "-decoded.wav");
        run(List.of(
                "-i", input.toString(), "-vn", "-ar", "22050", "-c:a", "pcm_s16le", "-f", "wav", "-y", out.toString()));
        return out;
    }

    private void run(List<String> args) throws IOException, Previews.Unavailable {
        if (program == null) throw new Previews.Unavailable(MISSING);
        List<String> cmd = new ArrayList<>(List.of(program.toString(), "-v", "error", "-nostdin", "-hide_banner"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new File(isWindows() ? "NUL" : "/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("ffmpeg took more than " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (p.exitValue() != 0) throw new IOException("ffmpeg failed (exit " + p.exitValue() + ")");
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }
}
