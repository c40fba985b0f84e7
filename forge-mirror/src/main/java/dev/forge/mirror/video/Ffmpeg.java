package dev.forge.mirror.video;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Video files through the {@code ffmpeg} and {@code ffprobe} programs on PATH: grey rawvideo piped to
 * ffmpeg's stdin to write, and out of its stdout to read. No codec library is linked into Forge. When a
 * program is missing the error names the Debian package to install (exit 1, docs/cli.md).
 */
public final class Ffmpeg {
    private Ffmpeg() {}

    /** The frame size of the first video stream. */
    public record Size(int width, int height) {}

    /** Receives decoded grey frames. */
    @FunctionalInterface
    public interface FrameConsumer {
        void frame(byte[] grey, int width, int height);
    }

    /** Writes a video: frames go to the returned sink; {@link Writer#close()} waits for ffmpeg. */
    public static Writer writer(Path out, int width, int height, int fps) {
        List<String> cmd = List.of(
                "ffmpeg",
                "-hide_banner",
                "-loglevel",
                "error",
                "-y",
                "-f",
                "rawvideo",
                "-pix_fmt",
                "gray",
                "-s",
                width + "x" + height,
                "-framerate",
                Integer.toString(fps),
                "-i",
                "pipe:0",
                // H.264 at a high quality, as YouTube recommends for uploads; 4:2:0 (the cells are grey).
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-crf",
                "18",
                "-pix_fmt",
                "yuv420p",
                "-g",
                Integer.toString(Math.max(1, fps * 2)),
                "-movflags",
                "+faststart",
                out.toString());
        Process p = start(cmd, ProcessBuilder.Redirect.DISCARD);
        return new Writer(p, new StderrTail(p.getErrorStream()));
    }

    /** A running ffmpeg that encodes the frames written to it. */
    public static final class Writer implements VideoEncoder.FrameSink, AutoCloseable {
        private final Process process;
        private final StderrTail err;
        private final OutputStream in;

        Writer(Process process, StderrTail err) {
            this.process = process;
            this.err = err;
            this.in = process.getOutputStream();
        }

        @Override
        public void frame(byte[] grey) throws IOException {
            try {
                in.write(grey);
            } catch (IOException e) {
                throw failure("ffmpeg stopped while encoding", waitFor());
            }
        }

        /** Closes ffmpeg's input and waits; throws when it failed. */
        @Override
        public void close() throws IOException {
            try {
                in.close();
            } catch (IOException ignored) {
                // ffmpeg may already have exited: its exit code tells
            }
            int rc = waitFor();
            if (rc != 0) throw failure("ffmpeg failed to write the video", rc);
        }

        /** Stops ffmpeg after an error elsewhere. */
        public void abort() {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private int waitFor() {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new ForgeException("interrupted while waiting for ffmpeg");
            }
        }

        private ForgeException failure(String what, int rc) {
            return new ForgeException(what + " (exit " + rc + "): " + err.last());
        }
    }

    /** The width and height of the first video stream, from ffprobe. */
    public static Size probe(Path video) {
        List<String> cmd = List.of(
                "ffprobe",
                "-v",
                "error",
                "-select_streams",
                "v:0",
                "-show_entries",
                "stream=width,height",
                "-of",
                "csv=p=0",
                video.toString());
        Process p = start(cmd, ProcessBuilder.Redirect.PIPE);
        StderrTail err = new StderrTail(p.getErrorStream());
        String out;
        try (InputStream s = p.getInputStream()) {
            out = new String(s.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ForgeException("cannot read ffprobe's output: " + e.getMessage(), e);
        }
        int rc = waitFor(p);
        String[] parts = out.split(",");
        if (rc != 0 || parts.length < 2)
            throw new IntegrityException(video + " is not a readable video: " + err.last());
        try {
            return new Size(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
        } catch (NumberFormatException e) {
            throw new IntegrityException(video + " has no video stream ffprobe can size: " + out);
        }
    }

    /** Decodes every frame of the first video stream as it is stored (no frame-rate conversion). */
    public static int read(Path video, Size size, FrameConsumer consumer) {
        List<String> cmd = List.of(
                "ffmpeg",
                "-hide_banner",
                "-loglevel",
                "error",
                "-nostdin",
                "-i",
                video.toString(),
                "-map",
                "0:v:0",
                "-fps_mode",
                "passthrough",
                "-f",
                "rawvideo",
                "-pix_fmt",
                "gray",
                "pipe:1");
        Process p = start(cmd, ProcessBuilder.Redirect.PIPE);
        StderrTail err = new StderrTail(p.getErrorStream());
        int frameBytes = size.width() * size.height();
        int frames = 0;
        try (InputStream s = p.getInputStream()) {
            while (true) {
                byte[] frame = s.readNBytes(frameBytes);
                if (frame.length < frameBytes) break;
                consumer.frame(frame, size.width(), size.height());
                frames++;
            }
        } catch (IOException e) {
            p.destroyForcibly();
            throw new ForgeException("cannot read ffmpeg's output: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
        int rc = waitFor(p);
        if (rc != 0 && frames == 0) throw new IntegrityException(video + " is not a readable video: " + err.last());
        return frames;
    }

    private static int waitFor(Process p) {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new ForgeException(
                    "interrupted while waiting for " + p.info().command().orElse("ffmpeg"));
        }
    }

    private static Process start(List<String> cmd, ProcessBuilder.Redirect stdout) {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd));
        pb.redirectOutput(stdout);
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new ForgeException(
                    cmd.get(0) + " is not on PATH (" + e.getMessage().replaceFirst("^.*error=\\d+, ", "")
                            + "): install the Debian package ffmpeg (apt-get install ffmpeg), which provides ffmpeg and ffprobe");
        }
    }

    /** Keeps the last few KB of a process's stderr (read on a virtual thread so the pipe never fills). */
    static final class StderrTail {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final Thread thread;

        StderrTail(InputStream in) {
            thread = Thread.ofVirtual().start(() -> {
                byte[] b = new byte[4096];
                try (in) {
                    int n;
                    while ((n = in.read(b)) > 0) {
                        synchronized (buf) {
                            if (buf.size() > 16384) buf.reset();
                            buf.write(b, 0, n);
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
        }

        /** The last non-empty line, or "(no message)". */
        String last() {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String s;
            synchronized (buf) {
                s = buf.toString(StandardCharsets.UTF_8);
            }
            List<String> lines = s.strip().lines().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty()
                    ? "(no message)"
                    : lines.get(lines.size() - 1).strip();
        }
    }
}
