package dev.forge.core.repo;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The paths a sparse clone keeps in its work tree ({@code .forge/sparse}, one '/'-separated path per
 * line; no file: every path). Files outside them stay in the stage and in every commit, but their
 * chunks are not downloaded and they are neither written to the work tree nor reported missing from
 * it; {@code forge sparse add PATH} downloads and writes more of them.
 */
public final class SparsePaths {
    public static final String FILE = "sparse";
    public static final SparsePaths ALL = new SparsePaths(List.of());

    private final List<String> paths;

    private SparsePaths(List<String> paths) {
        this.paths = List.copyOf(paths);
    }

    /** Normalized paths ("shots/010", no leading or trailing '/'), sorted, without ones another covers. */
    public static SparsePaths of(List<String> raw) {
        TreeSet<String> sorted = new TreeSet<>();
        for (String r : raw) sorted.add(normalize(r));
        List<String> kept = new ArrayList<>();
        for (String p : sorted) {
            if (kept.isEmpty() || !under(p, kept.getLast())) kept.add(p);
        }
        return new SparsePaths(kept);
    }

    private static String normalize(String raw) {
        String p = raw.replace('\\', '/');
        while (p.startsWith("./")) p = p.substring(2);
        while (p.startsWith("/")) p = p.substring(1);
        while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        if (p.isEmpty() || p.equals("."))
            throw new InvalidInputException(
                    "a sparse path names a folder or file inside the repository, got '" + raw + "'");
        for (String seg : p.split("/")) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..") || seg.equals(".forge")) {
                throw new InvalidInputException("bad sparse path '" + raw + "'");
            }
        }
        return p;
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /** Whether this is a sparse clone at all. */
    public boolean isSparse() {
        return !paths.isEmpty();
    }

    public List<String> paths() {
        return paths;
    }

    /** Whether {@code path} (a file's '/'-separated path) is in the work tree. */
    public boolean includes(String path) {
        if (paths.isEmpty()) return true;
        for (String p : paths) {
            if (under(path, p)) return true;
        }
        return false;
    }

    public SparsePaths plus(List<String> more) {
        List<String> all = new ArrayList<>(paths);
        all.addAll(more);
        return of(all);
    }

    public static SparsePaths load(Path forgeDir) {
        try {
            List<String> lines = new ArrayList<>();
            for (String l : Files.readAllLines(forgeDir.resolve(FILE), StandardCharsets.UTF_8)) {
                if (!l.isBlank()) lines.add(l.strip());
            }
            return of(lines);
        } catch (NoSuchFileException e) {
            return ALL;
        } catch (IOException e) {
            throw new ForgeException("cannot read " + forgeDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code .forge/sparse} atomically (temporary file, rename). */
    public void save(Path forgeDir) {
        Path tmp = forgeDir.resolve(FILE + ".tmp");
        try {
            Files.writeString(tmp, paths.isEmpty() ? "" : String.join("\n", paths) + "\n", StandardCharsets.UTF_8);
            Files.move(
                    tmp, forgeDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ForgeException("cannot write " + forgeDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }
}
