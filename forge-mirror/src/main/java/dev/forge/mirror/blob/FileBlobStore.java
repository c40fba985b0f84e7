package dev.forge.mirror.blob;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.hash.Blake3;
import dev.forge.core.port.BlobStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A blob store in a directory: a local disk or a NAS mount ({@code file:///mnt/nas/project}). Meets
 * the {@link BlobStore} guarantees with plain file-system operations:
 *
 * <ul>
 *   <li>puts write a temporary file beside the target, fsync it, rename it over the target and fsync
 *       the directory (rename is atomic on POSIX file systems and on NFS); a {@link #draft} is such a
 *       temporary file that the caller writes itself, published the same way;
 *   <li>{@link #putIfAbsent} publishes the fsynced temporary file with a hard link, which fails if
 *       the name exists (atomic, lock-free; where the file system has no hard links, the lock below);
 *   <li>{@link #replaceIfUnchanged} compares the content token and renames while it holds the
 *       target's lock: an OS file lock on {@code .NAME.lock} (released by the kernel when its holder
 *       dies) and then {@code NAME.lock} created exclusively (what older forge versions honour); see
 *       {@code withLock} for why both.
 * </ul>
 *
 * A blob's token is the BLAKE3 of its content ({@code b3:HEX}). {@link #stat} computes it only for
 * blobs up to {@link #STAT_TOKEN_LIMIT} bytes (refs and config; packs are never compared).
 *
 * <p>Files and folders are created with the default mode, so the writer's umask decides (a file
 * copied in is written into a new file, not copied with its source's mode). When the remote's folder
 * is shared with a group, as git's {@code core.sharedRepository=group} has it (the folder is
 * group-writable or setgid), everything created in it is made group-readable and -writable as well
 * (folders group-searchable), whatever the umask, so that every member of the group can read the
 * packs and move the refs, and the lock files can be opened by all of them.
 */
public final class FileBlobStore implements BlobStore {
    static final Duration STALE_LOCK = Duration.ofSeconds(30);
    static final Duration LOCK_WAIT = Duration.ofSeconds(20);
    static final int STAT_TOKEN_LIMIT = 1 << 20;
    /** A temporary file untouched this long was left by a writer that died ({@link #draft} removes it). */
    static final Duration STALE_TEMPORARY_FILE = Duration.ofDays(1);

    private static final String TMP_PREFIX = ".tmp-";
    private static final String LOCK_SUFFIX = ".lock";
    /** In-process locks, by lock path (striped: a collision only makes two names wait for each other). */
    private static final ReentrantLock[] LOCAL_LOCKS = new ReentrantLock[64];

    static {
        for (int i = 0; i < LOCAL_LOCKS.length; i++) LOCAL_LOCKS[i] = new ReentrantLock();
    }

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

    /**
     * Whether the remote's folder is shared with its group (group-writable or setgid): then what is
     * created in it is made group-readable and -writable too. Decided once, when the folder exists.
     */
    private boolean shared() throws IOException {
        Boolean s = shared;
        if (s == null) {
            if (!Files.isDirectory(root)) createDirectories(root);
            s = SharedMode.isShared(root);
            shared = s;
        }
        return s;
    }

    private volatile Boolean shared;

    /** Adds the group's bits to what this store just created, in a shared folder. */
    private void share(Path created, boolean directory) throws IOException {
        if (shared()) SharedMode.addGroupAccess(created, directory);
    }

    /** Files.createDirectories, with each folder it makes shared like the files. */
    private void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        Path parent = dir.getParent();
        if (parent != null && !Files.isDirectory(parent)) createDirectories(parent);
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(dir)) return;
            throw e;
        }
        if (dir.startsWith(root) && !dir.equals(root)) share(dir, true);
    }

    private static Path tempFor(Path target) {
        return target.resolveSibling(TMP_PREFIX + target.getFileName() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
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
            createDirectories(target.getParent());
            Path tmp = tempFor(target);
            try {
                // Written into a new file (default mode: the umask decides), not Files.copy, which
                // gives the copy its source's mode: 0600 for the packs staged under .forge.
                try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
                        FileChannel out =
                                FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    long size = in.size();
                    for (long pos = 0; pos < size; ) {
                        long n = in.transferTo(pos, size - pos, out);
                        if (n <= 0 && in.size() < size) throw new IOException(file + " shrank while it was copied");
                        pos += n;
                    }
                    out.force(true);
                }
                share(tmp, false);
                publish(tmp, target);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw failure("write", name, e);
        }
    }

    /**
     * A temporary file {@code .tmp-draft-RANDOM} in the folder, published by rename: a pack is written
     * once, into the remote's folder, instead of into a staging file first and copied. Hidden from
     * listings like every temporary file; one left by a writer that died is never read.
     */
    @Override
    public Optional<Draft> draft(String folder) {
        Path dir = path(folder);
        try {
            createDirectories(dir);
            if (swept.add(dir)) sweepTemporaryFiles(dir);
            Path tmp = dir.resolve(TMP_PREFIX + "draft-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()));
            FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                share(tmp, false);
            } catch (IOException e) {
                ch.close();
                Files.deleteIfExists(tmp);
                throw e;
            }
            return Optional.of(new FileDraft(dir, tmp, ch));
        } catch (IOException e) {
            throw failure("write", folder + "/", e);
        }
    }

    /** Folders whose old temporary files this store has removed (once per store: once per push). */
    private final java.util.Set<Path> swept = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Removes the temporary files ({@code .tmp-*}) that writers killed at least {@link
     * #STALE_TEMPORARY_FILE} ago left in {@code dir}: drafts of packs that a killed push was writing
     * (tens of MiB each) and cut-off puts. None is ever read; a live writer's file is modified as it
     * is written and published within minutes, so one untouched for a day is nobody's. Failing to
     * remove one is not an error.
     */
    private static void sweepTemporaryFiles(Path dir) {
        Instant before = Instant.now().minus(STALE_TEMPORARY_FILE);
        try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(dir, TMP_PREFIX + "*")) {
            for (Path p : ds) {
                try {
                    if (Files.getLastModifiedTime(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            .toInstant()
                            .isBefore(before)) Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // gone meanwhile, or not ours to delete: it stays hidden
                }
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException ignored) {
            // the sweep is housekeeping; the draft does not depend on it
        }
    }

    private final class FileDraft implements Draft {
        private final Path dir;
        private final Path tmp;
        private final FileChannel channel;
        private boolean done;

        FileDraft(Path dir, Path tmp, FileChannel channel) {
            this.dir = dir;
            this.tmp = tmp;
            this.channel = channel;
        }

        @Override
        public java.nio.channels.WritableByteChannel channel() {
            return channel;
        }

        @Override
        public synchronized long publish(String name) {
            if (done) throw new IllegalStateException("draft " + tmp + " is already done");
            Path target = path(name);
            if (!dir.equals(target.getParent())) {
                close();
                throw new IllegalArgumentException(name + " is not in the draft's folder " + dir);
            }
            try {
                channel.force(true);
                long length = channel.size();
                channel.close();
                FileBlobStore.this.publish(tmp, target);
                done = true;
                return length;
            } catch (IOException e) {
                close();
                throw failure("write", name, e);
            }
        }

        @Override
        public synchronized void close() {
            if (done) return;
            done = true;
            try {
                channel.close();
            } catch (IOException ignored) {
                // deleted below all the same
            }
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a hidden temporary file, never read: what a writer that died leaves too
            }
        }
    }

    private Path writeTemp(Path target, byte[] data) throws IOException {
        createDirectories(target.getParent());
        Path tmp = tempFor(target);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        }
        share(tmp, false);
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

    /** Reads the rest of the range into {@code dst} and appends it to {@code partial}. */
    @Override
    public long readInto(String name, long offset, int length, Path partial, byte[] dst) {
        Path p = path(name);
        try (FileChannel in = FileChannel.open(p, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(
                        partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            int have = BlobStore.readPartial(partial, length, dst);
            if (have >= length) return 0;
            ByteBuffer b = ByteBuffer.wrap(dst, have, length - have);
            long pos = offset + have;
            while (b.hasRemaining()) {
                int n = in.read(b, pos);
                if (n < 0)
                    throw new IntegrityException(
                            "blob " + name + " in " + root + " ends before byte " + (offset + length) + " (truncated)");
                pos += n;
            }
            b.position(have);
            while (b.hasRemaining()) out.write(b);
            return length - have;
        } catch (NoSuchFileException e) {
            throw new NotFoundException("blob " + name + " is missing from " + root);
        } catch (IOException e) {
            throw failure("read", name, e);
        }
    }

    @Override
    public byte[] get(String name, long offset, int length) {
        byte[] out = new byte[length];
        getInto(name, offset, length, out);
        return out;
    }

    @Override
    public boolean local() {
        return true;
    }

    @Override
    public void getInto(String name, long offset, int length, byte[] out) {
        Path p = path(name);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.wrap(out, 0, length);
            long pos = offset;
            while (b.hasRemaining()) {
                int n = ch.read(b, pos);
                if (n < 0)
                    throw new IntegrityException(
                            "blob " + name + " in " + root + " ends before byte " + (offset + length) + " (truncated)");
                pos += n;
            }
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
                // Never a blob: temporary files, locks, and anything hidden (an NFS client's
                // .nfsXXXX stand-in for a file deleted while open), which no blob name can be.
                if (file.startsWith(".") || file.endsWith(LOCK_SUFFIX)) continue;
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
            createDirectories(target.getParent());
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

    /**
     * Runs {@code body} while no other writer runs a body for {@code target}: the critical section of
     * a replace-if-unchanged. Two files beside the target make the lock:
     *
     * <ul>
     *   <li>{@code .NAME.lock}, held with an OS file lock ({@link FileChannel#tryLock}: fcntl on
     *       POSIX, on NFS through lockd or NFSv4's own locks, on SMB a byte-range lock). It is never
     *       deleted, so every writer locks the same file, and the kernel releases the lock when its
     *       holder dies: there is no stale state to guess about. Being lockable by one process at a
     *       time is exactly what taking over a crashed writer's {@code NAME.lock} (below) needs to be
     *       race-free. Within this JVM, where OS locks are held per process, a lock per path comes
     *       first (and an overlapping lock taken through another path to the same file counts as
     *       busy).
     *   <li>{@code NAME.lock}, created exclusively and deleted afterwards: the lock older forge
     *       versions take and honour (they do not know the first), and what still excludes writers on
     *       different machines when a NAS is mounted without working locks (NFS {@code nolock}, SMB
     *       {@code nobrl}: the OS lock then only excludes processes of one machine). One older than
     *       {@link #STALE_LOCK} was left by a crashed writer and is removed, by the holder of the OS
     *       lock only.
     * </ul>
     *
     * An OS lock alone would be enough on local disks and properly mounted NAS shares, and a
     * nonce-and-compare-and-swap scheme is not possible here, since this lock is what makes the
     * folder store's compare-and-swap. Where the file system refuses OS locks (an NFSv3 server
     * without lockd: "No locks available"), the exclusive {@code NAME.lock} alone is used, as before.
     */
    private boolean withLock(Path target, Locked body) throws IOException {
        String file = target.getFileName().toString();
        Path osLock = target.resolveSibling("." + file + LOCK_SUFFIX);
        Path marker = target.resolveSibling(file + LOCK_SUFFIX);
        long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
        ReentrantLock local = LOCAL_LOCKS[Math.floorMod(osLock.hashCode(), LOCAL_LOCKS.length)];
        try {
            if (!local.tryLock(LOCK_WAIT.toNanos(), TimeUnit.NANOSECONDS)) throw busy(target, osLock);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteUnavailableException("interrupted while waiting for " + osLock, false);
        }
        boolean lockExisted = Files.exists(osLock);
        try (FileChannel ch = FileChannel.open(osLock, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            // Every writer opens it for writing, so in a shared folder the group must be able to.
            if (!lockExisted) share(osLock, false);
            Backoff wait = new Backoff(deadline);
            while (!lockOs(ch)) wait.pause(() -> busy(target, osLock));
            while (!createMarker(marker)) wait.pause(() -> staleOrBusy(target, marker));
            try {
                return body.run();
            } finally {
                Files.deleteIfExists(marker);
            }
        } finally {
            local.unlock();
        }
    }

    /** Whether this process now holds the OS lock (true, too, where the file system has no locks). */
    private static boolean lockOs(FileChannel ch) throws IOException {
        try {
            return ch.tryLock() != null;
        } catch (OverlappingFileLockException e) {
            return false; // this JVM holds it, through another path to the same file
        } catch (ClosedChannelException e) {
            throw e; // closed by an interrupt: not a file system without locks
        } catch (IOException e) {
            return true; // no OS locks here (ENOLCK): the exclusive NAME.lock alone decides
        }
    }

    /** Creates {@code NAME.lock}, first removing one that a crashed writer left; false while another holds it. */
    private static boolean createMarker(Path marker) throws IOException {
        while (true) {
            try {
                Files.createFile(marker);
                return true;
            } catch (FileAlreadyExistsException e) {
                try {
                    FileTime t = Files.getLastModifiedTime(marker);
                    if (!t.toInstant().isBefore(Instant.now().minus(STALE_LOCK))) return false;
                    Files.deleteIfExists(marker);
                } catch (NoSuchFileException gone) {
                    // released meanwhile: create it
                }
            }
        }
    }

    private RemoteUnavailableException busy(Path target, Path osLock) {
        return new RemoteUnavailableException(
                "cannot update " + root.relativize(target) + " in " + root + ": another forge process is updating it"
                        + " (it holds " + osLock + ")",
                true);
    }

    private RemoteUnavailableException staleOrBusy(Path target, Path marker) {
        return new RemoteUnavailableException(
                "cannot update " + root.relativize(target) + " in " + root + ": " + marker
                        + " is held by another writer; if no forge process is running against this remote, delete it",
                true);
    }

    /** Sleeps of 2 ms doubling to 200 ms, with jitter, until a deadline. */
    private static final class Backoff {
        private final long deadline;
        private long sleep = 2;

        Backoff(long deadline) {
            this.deadline = deadline;
        }

        void pause(Supplier<RemoteUnavailableException> timeout) {
            if (System.nanoTime() > deadline) throw timeout.get();
            try {
                Thread.sleep(sleep + ThreadLocalRandom.current().nextLong(sleep));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RemoteUnavailableException("interrupted while waiting for a lock", false);
            }
            sleep = Math.min(200, sleep * 2);
        }
    }

    @Override
    public void close() {}
}
