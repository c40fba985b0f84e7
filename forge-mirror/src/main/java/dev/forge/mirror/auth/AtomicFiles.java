package dev.forge.mirror.auth;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/** Private files written whole or not at all: a 0600 temporary file, fsync, rename (or link), fsync of the folder. */
final class AtomicFiles {
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {}

    /** Creates the folder (and its parents) with mode 0700 for the last one if it is missing. */
    static void ensureDir(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        if (dir.getParent() != null) Files.createDirectories(dir.getParent());
        try {
            Files.createDirectory(dir, OWNER_DIR);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) throw e;
        }
    }

    /** Replaces {@code target} with {@code bytes}, mode 0600. */
    static void write(Path target, byte[] bytes) throws IOException {
        Path tmp = temp(target, bytes);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDir(target.getParent());
    }

    /** Writes {@code target} only if it does not exist (two first uses at once: one wins); false if it did. */
    static boolean create(Path target, byte[] bytes) throws IOException {
        Path tmp = temp(target, bytes);
        try {
            Files.createLink(target, tmp);
        } catch (FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDir(target.getParent());
        return true;
    }

    private static Path temp(Path target, byte[] bytes) throws IOException {
        byte[] r = new byte[6];
        RANDOM.nextBytes(r);
        Path tmp = target.resolveSibling(
                "." + target.getFileName() + ".tmp-" + HexFormat.of().formatHex(r));
        try (FileChannel ch =
                FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OWNER_ONLY)) {
            var buf = java.nio.ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return tmp;
    }

    static void delete(Path target) throws IOException {
        if (Files.deleteIfExists(target)) syncDir(target.getParent());
    }

    private static void syncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
