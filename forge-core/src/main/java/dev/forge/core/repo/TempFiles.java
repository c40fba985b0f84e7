package dev.forge.core.repo;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where a file bound for the work tree is written before it is renamed into place, so that a reader
 * (or a crash) sees the old file or the whole new one. For a repository's work tree that is {@code
 * .forge/tmp/wt-*.part}: on the work tree's file system, so the rename is atomic, and never among the
 * user's files, so a killed checkout leaves nothing that status would have to hide or add to skip (a
 * user's file may have any name, {@code .forge-tmp-x} included). The names carry the writer's process
 * id ({@code wt-PID-*.part}); when a command opens the repository, {@link #sweep} removes those of
 * processes that are gone (killed), so a command that opens the repository without its lock can never
 * remove the files of a checkout still running.
 *
 * <p>A folder of the work tree on another file system (a mount point inside it) cannot take a rename
 * from {@code .forge}: a file bound there is first moved (copied) beside its destination under a
 * {@code .forge-tmp-*.part} name and renamed from there; a kill in between leaves that file visible
 * to {@code forge status} as untracked. {@code checkout --into} writes beside each destination
 * ({@link #besideDestination}): that folder is new, and removed whole when the command fails.
 *
 * <p>One instance serves every thread of a checkout; a checkout that writes everything first and
 * renames afterwards uses {@link #create} for each file and {@link #publish} for each at the end.
 */
final class TempFiles {
    static final String PREFIX = "wt-";
    static final String SUFFIX = ".part";

    /** The folder temporary files go to, or null for beside each destination. */
    private final Path dir;

    private TempFiles(Path dir) {
        this.dir = dir;
    }

    /** Temporary files in {@code forgeDir/tmp}, for the repository's own work tree. */
    static TempFiles in(Path forgeDir) {
        return new TempFiles(forgeDir.resolve("tmp"));
    }

    /** Temporary files beside their destinations (a fresh folder that is not a repository's work tree). */
    static TempFiles besideDestination() {
        return new TempFiles(null);
    }

    /** A new empty temporary file for a file that will be published into {@code destDir}. */
    Path create(Path destDir) throws IOException {
        if (dir == null) return Files.createTempFile(destDir, ".forge-tmp-", SUFFIX);
        Files.createDirectories(dir);
        return Files.createTempFile(dir, PREFIX + ProcessHandle.current().pid() + "-", SUFFIX);
    }

    /** Renames {@code tmp} over {@code dest} atomically (see the class comment for another file system). */
    void publish(Path tmp, Path dest) throws IOException {
        try {
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException crossDevice) {
            Path beside = Files.createTempFile(dest.getParent(), ".forge-tmp-", SUFFIX);
            try {
                Files.move(tmp, beside, StandardCopyOption.REPLACE_EXISTING);
                Files.move(beside, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(beside);
            }
        }
    }

    /** Removes the temporary files that processes now gone left in {@code forgeDir/tmp}; best effort. */
    static void sweep(Path forgeDir) {
        Path tmp = forgeDir.resolve("tmp");
        if (!Files.isDirectory(tmp)) return;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp, PREFIX + "*" + SUFFIX)) {
            for (Path p : ds) {
                if (!writerAlive(p.getFileName().toString())) Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            // Leftovers waste space; they never harm correctness.
        }
    }

    /** Whether the process named in {@code wt-PID-*.part} is running (this one included). */
    private static boolean writerAlive(String name) {
        int end = name.indexOf('-', PREFIX.length());
        if (end < 0) return false;
        try {
            long pid = Long.parseLong(name.substring(PREFIX.length(), end));
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
