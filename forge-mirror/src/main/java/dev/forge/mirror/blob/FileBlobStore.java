package dev.forge.mirror.blob;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.hash.Blake3;
import dev.forge.core.port.BlobStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A blob store in a directory: a local disk or a NAS mount ({@code file:///mnt/nas/project}). Meets
 * the {@link BlobStore} guarantees with plain file-system operations:
 *
 * <ul>
 *   <li>puts write a temporary file beside the target, fsync it, rename it over the target and fsync
 *       the directory (rename is atomic on POSIX file systems and on NFS);
 *   <li>{@link #putIfAbsent} publishes the fsynced temporary file with a hard link, which fails if
 *       the name exists (atomic, lock-free; where the file system has no hard links, the lock below);
 *   <li>{@link #replaceIfUnchanged} holds {@code NAME.lock} (created exclusively) while it compares
 *       the content token and renames; a lock older than {@link #STALE_LOCK} is left over from a
 *       crashed writer and is broken.
 * </ul>
 *
 * A blob's token is the BLAKE3 of its content ({@code b3:HEX}). {@link #stat} computes it only for
 * blobs up to {@link #STAT_TOKEN_LIMIT} bytes (refs and config; packs are never compared).
 */
public final class FileBlobStore implements BlobStore {
    static final Duration STALE_LOCK = Duration.ofSeconds(30);
    static final Duration LOCK_WAIT = Duration.ofSeconds(20);
    static final int STAT_TOKEN_LIMIT = 1 << 20;
    private static final String TMP_PREFIX = ".tmp-";
    private static final String LOCK_SUFFIX = ".lock";

    private final Path root;
    private final ThreadLocal<dev.forge.core.hash.Blake3Hasher> hashers = ThreadLocal.withInitial(Blake3::newHasher);

    public FileBlobStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    @Override
    public String describe() {
        return root.toString();
    }

    private Path path(String name) {
        return root.resolve(BlobNames.check(name));
    }

    private String token(byte[] data) {
        return "b3:" + hashers.get().hash(data, 0, data.length).hex();
    }

    private RemoteUnavailableException failure(String what, String name, IOException e) {
        boolean permanent = e instanceof AccessDeniedException || e instanceof NoSuchFileException;
        String reason = e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
        return new RemoteUnavailableException(
                "cannot " + what + " " + name + " in " + root + ": " + reason, !permanent, e);
    }

    @Override
    public void put(String name, byte[] data) {
        Path target = path(name);
        try {
            Path tmp = writeTemp(target, data);
            publish(tmp, target);
        } catch (IOException e) {
            throw failure("write", name, e);
        }
    }

    @Override
    public void put(String name, Path file) {
        Path target = path(name);
        try {
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling(TMP_PREFIX + target.getFileName() + "-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()));
            try {
                Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                publish(tmp, target);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw failure("write", name, e);
        }
    }

    private Path writeTemp(Path target, byte[] data) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(TMP_PREFIX + target.getFileName() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        }
        return tmp;
    }

    private void publish(Path tmp, Path target) throws IOException {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.getParent());
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Some file systems (and NFS clients) refuse to open or sync a directory; the rename is still atomic.
        }
    }

    @Override
    public Optional<Versioned> get(String name) {
        Path p = path(name);
        try {
            byte[] data = Files.readAllBytes(p);
            return Optional.of(new Versioned(data, token(data)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read", name, e);
        }
    }

    @Override
    public byte[] get(String name, long offset, int length) {
        Path p = path(name);
        byte[] out = new byte[length];
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.wrap(out);
            long pos = offset;
            while (b.hasRemaining()) {
                int n = ch.read(b, pos);
                if (n < 0)
                    throw new IntegrityException(
                            "blob " + name + " in " + root + " ends before byte " + (offset + length) + " (truncated)");
                pos += n;
            }
            return out;
        } catch (NoSuchFileException e) {
            throw new NotFoundException("blob " + name + " is missing from " + root);
        } catch (IOException e) {
            throw failure("read", name, e);
        }
    }

    @Override
    public Optional<BlobInfo> stat(String name) {
        Path p = path(name);
        try {
            long size = Files.size(p);
            String token = size <= STAT_TOKEN_LIMIT ? token(Files.readAllBytes(p)) : null;
            return Optional.of(new BlobInfo(name, size, token));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read", name, e);
        }
    }

    @Override
    public List<BlobInfo> list(String prefix) {
        int slash = prefix.lastIndexOf('/');
        Path dir = slash < 0 ? root : root.resolve(BlobNames.check(prefix.substring(0, slash)));
        List<BlobInfo> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try {
            listInto(dir, prefix, out);
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            IOException io = e instanceof IOException x ? x : ((java.nio.file.DirectoryIteratorException) e).getCause();
            throw failure("list", prefix, io);
        }
        return out;
    }

    /**
     * Adds the blobs below {@code dir}. Entries that vanish between the directory read and their stat
     * are skipped: other writers rename and delete their temporary files at any moment (Files.walk
     * failed the whole listing on them).
     */
    private void listInto(Path dir, String prefix, List<BlobInfo> out) throws IOException {
        try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String file = p.getFileName().toString();
                if (file.startsWith(TMP_PREFIX) || file.endsWith(LOCK_SUFFIX)) continue;
                java.nio.file.attribute.BasicFileAttributes a;
                try {
                    a = Files.readAttributes(
                            p,
                            java.nio.file.attribute.BasicFileAttributes.class,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (a.isDirectory()) {
                    listInto(p, prefix, out);
                } else if (a.isRegularFile()) {
                    String name = root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
                    if (name.startsWith(prefix)) out.add(new BlobInfo(name, a.size(), null));
                }
            }
        } catch (NoSuchFileException gone) {
            // the directory was removed while listing
        }
    }

    @Override
    public void delete(String name) {
        try {
            Files.deleteIfExists(path(name));
        } catch (IOException e) {
            throw failure("delete", name, e);
        }
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data) {
        Path target = path(name);
        try {
            if (Files.exists(target)) return false;
            Path tmp = writeTemp(target, data);
            try {
                try {
                    Files.createLink(target, tmp);
                } catch (FileAlreadyExistsException e) {
                    return false;
                } catch (UnsupportedOperationException | FileSystemException e) {
                    if (e instanceof FileSystemException f && Files.exists(target)) return false;
                    return withLock(target, () -> {
                        if (Files.exists(target)) return false;
                        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                        return true;
                    });
                }
                syncDirectory(target.getParent());
                return true;
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw failure("create", name, e);
        }
    }

    @Override
    public boolean replaceIfUnchanged(String name, byte[] data, String expectedToken) {
        Path target = path(name);
        try {
            Files.createDirectories(target.getParent());
            return withLock(target, () -> {
                byte[] current;
                try {
                    current = Files.readAllBytes(target);
                } catch (NoSuchFileException e) {
                    return false;
                }
                if (!token(current).equals(expectedToken)) return false;
                Path tmp = writeTemp(target, data);
                try {
                    publish(tmp, target);
                } finally {
                    Files.deleteIfExists(tmp);
                }
                return true;
            });
        } catch (IOException e) {
            throw failure("update", name, e);
        }
    }

    private interface Locked {
        boolean run() throws IOException;
    }

    /** Runs {@code body} while holding {@code target.lock}; waits for another holder, breaks a stale lock. */
    private boolean withLock(Path target, Locked body) throws IOException {
        Path lock = target.resolveSibling(target.getFileName() + LOCK_SUFFIX);
        long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
        long sleep = 2;
        while (true) {
            try {
                Files.createFile(lock);
                break;
            } catch (FileAlreadyExistsException e) {
                try {
                    FileTime t = Files.getLastModifiedTime(lock);
                    if (t.toInstant().isBefore(Instant.now().minus(STALE_LOCK))) {
                        Files.deleteIfExists(lock);
                        continue;
                    }
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (System.nanoTime() > deadline) {
                    throw new RemoteUnavailableException(
                            "cannot update " + root.relativize(target) + " in " + root + ": " + lock
                                    + " is held by another writer; if no forge process is running against this remote, delete it",
                            true);
                }
                try {
                    Thread.sleep(sleep + ThreadLocalRandom.current().nextLong(sleep));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new RemoteUnavailableException("interrupted while waiting for " + lock, false);
                }
                sleep = Math.min(200, sleep * 2);
            }
        }
        try {
            return body.run();
        } finally {
            Files.deleteIfExists(lock);
        }
    }

    @Override
    public void close() {}
}
