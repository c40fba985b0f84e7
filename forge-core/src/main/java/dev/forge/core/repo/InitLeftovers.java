package dev.forge.core.repo;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * What a killed {@code forge init} (or clone, which starts with one) leaves: the store builds a new
 * repository in a folder named {@code .forge-init-*} beside where {@code .forge} goes and renames it
 * into place, so a kill leaves that folder and never half a {@code .forge}. Such a folder is recognised
 * by its name and by holding nothing but what init puts there; it is never part of the work tree, the
 * next command that opens the repository removes it, and a clone may reuse a folder that holds nothing
 * else. A user's own folder of that name with anything else in it is left alone.
 */
public final class InitLeftovers {
    /** The name prefix of the folder init builds a repository in. */
    public static final String PREFIX = ".forge-init-";

    /**
     * What may be in such a folder: what init builds (config, index, packs, tmp) and what the store adds
     * to a repository (journal, reserve), so that a later init that builds more is still recognised.
     * The store's init must put nothing else there.
     */
    private static final Set<String> CONTENTS = Set.of("config", "index", "packs", "tmp", "journal", "reserve");

    private InitLeftovers() {}

    /** Whether {@code p} is a folder a killed init left (see the class comment). */
    public static boolean isLeftover(Path p) {
        if (!p.getFileName().toString().startsWith(PREFIX) || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
            return false;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
            for (Path c : ds) {
                if (!CONTENTS.contains(c.getFileName().toString())) return false;
            }
            return true;
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            return false;
        }
    }

    /** Whether {@code dir} holds nothing, or nothing but init leftovers. */
    public static boolean emptyButLeftovers(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path c : ds) {
                if (!isLeftover(c)) return false;
            }
        }
        return true;
    }

    /** Removes every init leftover in {@code dir}; best effort (a leftover wastes space, it harms nothing). */
    public static void removeAll(Path dir) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path c : ds) {
                if (isLeftover(c)) ContentWriter.deleteTree(c);
            }
        } catch (IOException | RuntimeException e) {
            // Best effort, as above.
        }
    }
}
