package dev.forge.cli;

import java.util.Locale;

/** Sizes and rates as people read them: binary units for bytes, decimal MB/s for rates. */
public final class Units {
    private Units() {}

    /** {@code 1536} is "1.5 KiB". */
    public static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int i = -1;
        do {
            v /= 1024;
            i++;
        } while (v >= 1024 && i < units.length - 1);
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }

    /**
     * A size as people write it: {@code 500M}, {@code 50G}, {@code 2T}, {@code 1048576} (binary units,
     * an optional {@code B} or {@code iB}: {@code 50GiB} = {@code 50G}). Throws {@link
     * IllegalArgumentException} naming what is wrong.
     */
    public static long parseSize(String text) {
        return dev.forge.core.repo.Settings.parseSize(text);
    }

    /**
     * A duration as people write it: a whole number and a unit, {@code 30d}, {@code 12h}, {@code 45m},
     * {@code 90s}, {@code 0s}. Throws {@link IllegalArgumentException} naming what is wrong.
     */
    public static java.time.Duration parseDuration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.matches("\\d{1,9}[smhdw]")) {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> java.time.Duration.ofSeconds(n);
                case 'm' -> java.time.Duration.ofMinutes(n);
                case 'h' -> java.time.Duration.ofHours(n);
                case 'd' -> java.time.Duration.ofDays(n);
                default -> java.time.Duration.ofDays(7 * n);
            };
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 30d, 12h, 45m, 0s)");
    }

    /** Bytes per second in MB/s, or "-" when no time passed. */
    public static String rate(long bytes, double seconds) {
        if (seconds <= 0) return "-";
        return String.format(Locale.ROOT, "%.0f MB/s", bytes / seconds / 1e6);
    }
}
