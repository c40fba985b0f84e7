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

    /** Bytes per second in MB/s, or "-" when no time passed. */
    public static String rate(long bytes, double seconds) {
        if (seconds <= 0) return "-";
        return String.format(Locale.ROOT, "%.0f MB/s", bytes / seconds / 1e6);
    }
}
