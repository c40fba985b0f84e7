package dev.forge.cli;

import dev.forge.core.port.ProgressListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What the user's terminal can take. Progress bars (on stderr) only when stdin, stdout and stderr are
 * a terminal and neither {@code CI} nor {@code FORGE_NO_PROGRESS} is set: a pipe or a log file never
 * receives ANSI codes or carriage returns. The bar has no colours when {@code NO_COLOR} is set to
 * anything but the empty string (https://no-color.org). {@link Output} asks for one only without
 * {@code --json} and {@code -q}.
 */
public final class Terminal {
    private Terminal() {}

    public static boolean interactive() {
        String ci = System.getenv("CI");
        if (ci != null && !ci.isEmpty() && !ci.equalsIgnoreCase("false")) return false;
        if (System.getenv("FORGE_NO_PROGRESS") != null) return false;
        java.io.Console c = System.console();
        // The console is a terminal when stdin and stdout are; the bar goes to stderr, so ask about it too.
        return c != null && c.isTerminal() && stderrIsTerminal();
    }

    /**
     * Whether fd 2 is a terminal device, read from {@code /proc/self/fd/2} (Forge runs on Linux): a
     * readlink costs microseconds, where calling isatty through the FFM linker costs ~0.2 s of start-up.
     */
    static boolean stderrIsTerminal() {
        return isTerminal(2);
    }

    /** Whether stdin is a terminal: a command may prompt only then (never waiting on a pipe or /dev/null). */
    public static boolean stdinIsTerminal() {
        return isTerminal(0);
    }

    private static boolean isTerminal(int fd) {
        try {
            String target =
                    Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** Whether the bar may use colours, given the environment: not when NO_COLOR is set and not empty. */
    static boolean colours(Map<String, String> env) {
        String noColor = env.get("NO_COLOR");
        return noColor == null || noColor.isEmpty();
    }

    static ProgressListener progress() {
        if (!interactive()) return ProgressListener.NONE;
        return new BarProgress(
                colours(System.getenv()) ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.UNICODE_BLOCK);
    }

    /** A progressbar-backed listener; one bar per phase. */
    private static final class BarProgress implements ProgressListener {
        private final ProgressBarStyle style;
        private ProgressBar bar;

        BarProgress(ProgressBarStyle style) {
            this.style = style;
        }

        @Override
        public synchronized void begin(String phase, long total, String unit) {
            end();
            ProgressBarBuilder b = new ProgressBarBuilder()
                    .setTaskName(phase)
                    .setInitialMax(total < 0 ? -1 : total)
                    .setStyle(style)
                    .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(
                            new PrintStream(System.err, true, java.nio.charset.StandardCharsets.UTF_8)))
                    .setUpdateIntervalMillis(200)
                    .setMaxRenderedLength(100)
                    .showSpeed()
                    .setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS);
            if ("B".equals(unit)) b.setUnit(" MiB", 1 << 20);
            bar = b.build();
        }

        @Override
        public void advance(long amount) {
            ProgressBar b = bar;
            if (b != null) b.stepBy(amount);
        }

        @Override
        public synchronized void end() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
