package dev.forge.core.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which tracked paths cannot be checked out as they are on every desktop: two paths that differ only
 * by case are one file on a case-insensitive file system (macOS and Windows by default), where
 * writing the second would silently replace the first; and Windows refuses device names ({@code CON},
 * {@code NUL}, {@code COM1}, ... with any extension), names ending in a dot or a space, and the
 * characters {@code <>:"\|?*} and control characters. Forge stores such paths as they are (Linux holds
 * them); commands report them so a studio can rename before a colleague on another system checks out.
 */
public final class PortablePaths {
    private PortablePaths() {}

    private static final java.util.regex.Pattern DEVICE =
            java.util.regex.Pattern.compile("CON|PRN|AUX|NUL|COM[1-9¹²³]|LPT[1-9¹²³]|CONIN\\$|CONOUT\\$");

    /** One path (or group of paths) that will not check out the same everywhere. */
    public record Problem(String path, String problem) {}

    /**
     * The key two paths share when a case-insensitive file system takes them for one: each character
     * folded on its own (simple case mapping, one character to one, as NTFS's upcase table and APFS do),
     * so "ß" and "SS" stay apart while "É" and "é" meet.
     */
    static String caseKey(String path) {
        int n = path.length();
        int i = 0;
        while (i < n && path.charAt(i) < 0x80) i++;
        if (i == n) { // ASCII: the fold is lower case (no allocation per code point)
            char[] c = new char[n];
            for (int k = 0; k < n; k++) {
                char ch = path.charAt(k);
                c[k] = ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch;
            }
            return new String(c);
        }
        StringBuilder sb = new StringBuilder(path.length());
        path.codePoints().forEach(cp -> sb.appendCodePoint(Character.toLowerCase(Character.toUpperCase(cp))));
        return sb.toString();
    }

    /** Groups of paths that differ only by case, each group in name order; none when there are none. */
    public static List<List<String>> caseCollisions(Collection<String> paths) {
        Map<String, List<String>> byKey = new TreeMap<>();
        for (String p : paths)
            byKey.computeIfAbsent(caseKey(p), k -> new ArrayList<>()).add(p);
        List<List<String>> out = new ArrayList<>();
        for (List<String> g : byKey.values()) {
            if (g.size() > 1) {
                g.sort(null);
                out.add(List.copyOf(g));
            }
        }
        return out;
    }

    /**
     * A hash of {@link #caseKey}{@code (path)} computed without building the key: equal keys have equal
     * hashes, so paths whose hashes differ cannot collide.
     */
    static long caseHash(String path) {
        long h = 0;
        int n = path.length();
        for (int i = 0; i < n; ) {
            int cp = path.charAt(i);
            if (cp < 0x80) {
                if (cp >= 'A' && cp <= 'Z') cp += 32;
                i++;
            } else {
                cp = path.codePointAt(i);
                i += Character.charCount(cp);
                cp = Character.toLowerCase(Character.toUpperCase(cp));
            }
            h = h * 0x100000001B3L + cp;
        }
        return h;
    }

    /** Why Windows cannot create {@code path} ('/'-separated), or empty when it can. */
    public static Optional<String> windowsProblem(String path) {
        // Name by name in place: splitting and upper-casing every name of 100,000 added paths was a tenth
        // of the main thread of `forge add` (docs/benchmarks.md, issue 16).
        int n = path.length();
        for (int start = 0; start <= n; ) {
            int end = path.indexOf('/', start);
            if (end < 0) end = n;
            String problem = nameProblem(path, start, end);
            if (problem != null) return Optional.of(problem);
            start = end + 1;
        }
        return Optional.empty();
    }

    /** Why Windows cannot create the name {@code path[start, end)}, or null when it can. */
    private static String nameProblem(String path, int start, int end) {
        int dot = path.indexOf('.', start);
        if (dot < 0 || dot > end) dot = end;
        int first = start; // the first character that strip() keeps
        while (first < dot && Character.isWhitespace(path.charAt(first))) first++;
        // Every device name starts with one of these letters once upper-cased; of the ASCII characters only
        // these ten upper-case to them. Names that start otherwise with an ASCII character are not
        // upper-cased and matched against the pattern (any other start is, as it was).
        char c0 = first < dot ? path.charAt(first) : 0;
        if (first < dot && (c0 >= 0x80 || "CPANLcpanl".indexOf(c0) >= 0)) {
            String name = path.substring(start, end);
            String upper = path.substring(start, dot).strip().toUpperCase(Locale.ROOT);
            if (upper.length() >= 3
                    && upper.length() <= 7
                    && DEVICE.matcher(upper).matches()) {
                return "'" + name + "' is a reserved device name on Windows";
            }
        }
        if (end > start && (path.charAt(end - 1) == '.' || path.charAt(end - 1) == ' ')) {
            return "'" + path.substring(start, end) + "' ends in a dot or a space, which Windows drops";
        }
        for (int i = start; i < end; i++) {
            char c = path.charAt(i);
            if (c < 0x20 || "<>:\"\\|?*".indexOf(c) >= 0) {
                return "'" + path.substring(start, end) + "' holds a character Windows does not allow in names ("
                        + (c < 0x20 ? "control character " + (int) c : String.valueOf(c)) + ")";
            }
        }
        return null;
    }

    /** Every case collision and every path Windows cannot create, among {@code paths}. */
    public static List<Problem> check(Collection<String> paths) {
        return check(paths, List.of());
    }

    /**
     * The problems {@code paths} bring among the tracked paths {@code among} (which may hold them): each of
     * {@code paths} that Windows cannot create, and each group of paths of both that differ only by case
     * and hold one of {@code paths}. One pass over {@code among} that folds only the paths whose case
     * hash matches one of {@code paths}, so that adding one file beside 100,000 does not fold 100,000
     * paths into keys.
     */
    public static List<Problem> check(Collection<String> paths, Iterable<String> among) {
        // Case hashes first (no allocation per path); keys are built only for paths whose hash is shared.
        String[] ps = paths.toArray(new String[0]);
        long[] hashes = new long[ps.length];
        for (int i = 0; i < ps.length; i++) hashes[i] = caseHash(ps[i]);
        long[] sorted = hashes.clone();
        java.util.Arrays.sort(sorted);
        java.util.Set<Long> shared = new java.util.HashSet<>();
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) shared.add(sorted[i]);
        }
        java.util.Set<String> candidates = new java.util.HashSet<>();
        for (String p : among) {
            long h = caseHash(p);
            if (java.util.Arrays.binarySearch(sorted, h) >= 0) {
                candidates.add(p);
                shared.add(h);
            }
        }
        java.util.Set<String> given = new java.util.HashSet<>();
        for (int i = 0; i < ps.length; i++) {
            if (shared.contains(hashes[i])) {
                candidates.add(ps[i]);
                given.add(ps[i]);
            }
        }
        Map<String, java.util.SortedSet<String>> byKey = new TreeMap<>();
        for (String p : candidates)
            byKey.computeIfAbsent(caseKey(p), k -> new java.util.TreeSet<>()).add(p);
        // only groups that hold one of the given paths
        byKey.values().removeIf(g -> g.stream().noneMatch(given::contains));
        List<Problem> out = new ArrayList<>();
        for (java.util.SortedSet<String> set : byKey.values()) {
            if (set.size() < 2) continue;
            List<String> g = List.copyOf(set);
            out.add(new Problem(
                    g.get(0),
                    "differs only by case from " + String.join(", ", g.subList(1, g.size()))
                            + ": one file on a case-insensitive file system (macOS, Windows)"));
        }
        List<Problem> windows = new ArrayList<>();
        for (String p : paths) windowsProblem(p).ifPresent(w -> windows.add(new Problem(p, w)));
        windows.sort(java.util.Comparator.comparing(Problem::path, Tree.NAME_ORDER));
        out.addAll(windows);
        return out;
    }

    /**
     * Refuses a checkout into a folder whose file system does not tell case apart when the files to write
     * hold paths that differ only by case: writing the second would silently replace the first.
     *
     * @throws dev.forge.core.error.WouldOverwriteException naming the first such pair
     */
    public static void requireDistinctOn(boolean caseInsensitive, Collection<String> paths, String where) {
        if (!caseInsensitive) return;
        List<List<String>> groups = caseCollisions(paths);
        if (groups.isEmpty()) return;
        List<String> g = groups.get(0);
        throw new dev.forge.core.error.WouldOverwriteException("cannot check out into " + where + ": '" + g.get(0)
                + "' and '" + g.get(1) + "' differ only by case and this file system does not tell them apart"
                + (groups.size() > 1 ? " (" + (groups.size() - 1) + " more such groups)" : "")
                + "; rename one with 'forge mv' where the file system is case-sensitive (Linux)");
    }

    /**
     * Whether the file system of the folder {@code dir} (which must exist and be writable) takes names that
     * differ only by case for one: creates a probe file with a lower-case name and looks for its
     * upper-case twin, then deletes it.
     */
    public static boolean caseInsensitive(java.nio.file.Path dir) {
        java.nio.file.Path probe = null;
        try {
            probe = java.nio.file.Files.createTempFile(dir, "forge-case-probe-", ".tmp");
            String name = probe.getFileName().toString();
            return java.nio.file.Files.exists(dir.resolve(name.toUpperCase(Locale.ROOT)));
        } catch (java.io.IOException e) {
            return false; // cannot tell: the checkout itself will say what is wrong with the folder
        } finally {
            if (probe != null) {
                try {
                    java.nio.file.Files.deleteIfExists(probe);
                } catch (java.io.IOException ignored) {
                    // a leftover probe file is harmless
                }
            }
        }
    }
}
