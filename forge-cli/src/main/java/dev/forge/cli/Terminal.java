package dev.forge.cli;

import dev.forge.core.port.ProgressListener;
import java.io.PrintStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What the user's terminal can take. Progress bars (on stderr) only when stderr and stdout are a
 * terminal, {@code CI} is not set, and no {@code --json} output is being produced: a pipe or a log
 * file never receives ANSI codes or carriage returns.
 */
public final class Terminal {
    private Terminal() {}

    public static boolean interactive() {
        String ci = System.getenv("CI");
        if (ci != null && !ci.isEmpty() && !ci.equalsIgnoreCase("false")) return false;
        if (System.getenv("FORGE_NO_PROGRESS") != null) return false;
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    public static ProgressListener progress(boolean json) {
        if (json || !interactive()) return ProgressListener.NONE;
        return new BarProgress();
    }

    /** A progressbar-backed listener; one bar per phase. */
    private static final class BarProgress implements ProgressListener {
        private ProgressBar bar;

        @Override
        public synchronized void begin(String phase, long total, String unit) {
            end();
            ProgressBarBuilder b = new ProgressBarBuilder()
                    .setTaskName(phase)
                    .setInitialMax(total < 0 ? -1 : total)
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
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
