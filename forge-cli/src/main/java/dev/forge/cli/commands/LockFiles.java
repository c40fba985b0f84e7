package dev.forge.cli.commands;

import dev.forge.core.repo.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** Work-tree permissions for locked files ({@code lock.readOnly}): read-only when someone else holds the lock. */
final class LockFiles {
    private LockFiles() {}

    /** Gives the owner write permission on {@code path} again (a lock of our own: we may edit it). */
    static void makeWritable(Repository repo, String path) {
        setWritable(repo.root().resolve(path), true);
    }

    /** Adds or removes write permission (owner, group and others alike when removing). Returns whether it changed. */
    static boolean setWritable(Path file, boolean writable) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) return false;
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> next =
                    perms.isEmpty() ? EnumSet.noneOf(PosixFilePermission.class) : EnumSet.copyOf(perms);
            if (writable) {
                next.add(PosixFilePermission.OWNER_WRITE);
            } else {
                next.remove(PosixFilePermission.OWNER_WRITE);
                next.remove(PosixFilePermission.GROUP_WRITE);
                next.remove(PosixFilePermission.OTHERS_WRITE);
            }
            if (next.equals(perms)) return false;
            Files.setPosixFilePermissions(file, next);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false; // not a POSIX file system: permissions are advisory there anyway
        }
    }
}
