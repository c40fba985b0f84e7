package dev.forge.mirror.blob;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Group sharing of a folder remote, as git's {@code core.sharedRepository=group}: a remote folder that
 * is group-writable or setgid is meant for a group, so what Forge creates in it gets the group's read
 * and write bits (and search on folders) on top of what the umask left. Mode bits are changed through
 * the {@code unix:mode} attribute where the platform has it, so a folder's setgid bit (which makes
 * everything below it belong to the folder's group) is kept; elsewhere through the POSIX permissions;
 * on file systems with neither (some SMB mounts) not at all.
 */
final class SharedMode {
    private static final int SETGID = 02000;
    private static final int GROUP_RW = 0060;
    private static final int GROUP_X = 0010;

    private SharedMode() {}

    /** Whether {@code dir} is shared with its group: group-writable, or setgid. */
    static boolean isShared(Path dir) {
        try {
            Object mode = Files.getAttribute(dir, "unix:mode");
            if (mode instanceof Integer m) return (m & (SETGID | 0020)) != 0;
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            // no unix view: the POSIX one below
        }
        try {
            return Files.getPosixFilePermissions(dir).contains(PosixFilePermission.GROUP_WRITE);
        } catch (UnsupportedOperationException | IOException e) {
            return false;
        }
    }

    /**
     * Adds group read and write (and search, for a folder) to {@code p}. Best effort: a file created by
     * another member of the group meanwhile (a lock file) cannot be changed by us, and need not be.
     */
    static void addGroupAccess(Path p, boolean directory) {
        int add = GROUP_RW | (directory ? GROUP_X : 0);
        try {
            Object mode = Files.getAttribute(p, "unix:mode");
            if (mode instanceof Integer m) {
                if ((m & add) != add) Files.setAttribute(p, "unix:mode", (m & 07777) | add);
                return;
            }
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            // no unix view: the POSIX one below
        }
        try {
            Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(p));
            perms.add(PosixFilePermission.GROUP_READ);
            perms.add(PosixFilePermission.GROUP_WRITE);
            if (directory) perms.add(PosixFilePermission.GROUP_EXECUTE);
            Files.setPosixFilePermissions(p, perms);
        } catch (UnsupportedOperationException | IOException e) {
            // not ours to change, or no POSIX modes here
        }
    }
}
