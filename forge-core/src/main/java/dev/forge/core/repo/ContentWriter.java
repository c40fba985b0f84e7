package dev.forge.core.repo;

import dev.forge.core.concurrent.Workers;
import dev.forge.core.error.ForgeException;
import dev.forge.core.io.DirectWriter;
import dev.forge.core.model.ChunkList;
import dev.forge.core.model.FileKind;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.StageEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Writes file contents out of the store, every chunk verified on the way, in parallel, one thread per
 * core: into a new folder ({@link #writeAll}: {@code checkout --into}), each file under a temporary
 * name ({@link TempFiles}) renamed over its destination, so a reader (or a crash) sees the old file or
 * the whole new one, never a torn one; or into temporary files the caller made ({@link #writeTo}:
 * {@link WorkTreeUpdate} stages a work-tree change this way before it moves anything).
 */
final class ContentWriter {
    /** Linux's PATH_MAX: no symlink target is longer. */
    private static final int MAX_LINK_TARGET = 4096;

    private final ObjectReader objects;
    private final ProgressListener progress;
    private final TempFiles temp;

    /** A writer for {@code repo}'s work tree: temporary files in its {@code .forge/tmp}. */
    ContentWriter(Repository repo, ProgressListener progress) {
        this(repo.objects, progress, TempFiles.in(repo.forgeDir()));
    }

    ContentWriter(ObjectReader objects, ProgressListener progress, TempFiles temp) {
        this.objects = objects;
        this.progress = progress;
        this.temp = temp;
    }

    /** Writes every entry under {@code root}, largest first, one thread per core. */
    void writeAll(Path root, List<StageEntry> entries) {
        List<StageEntry> order = new ArrayList<>(entries);
        order.sort((a, b) -> Long.compare(b.content().size(), a.content().size()));
        Workers.run(
                "forge-checkout",
                Ingester.threads(),
                order.size(),
                Buffers::new,
                (b, i) -> write(root, order.get(i), b));
    }

    /**
     * Writes entry {@code i}'s content into {@code files.get(i)}, an empty file (for a symlink entry it
     * becomes a symlink of that name), largest first, one thread per core.
     */
    void writeTo(List<StageEntry> entries, List<Path> files) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) order.add(i);
        order.sort((a, b) -> Long.compare(
                entries.get(b).content().size(), entries.get(a).content().size()));
        Workers.run("forge-checkout", Ingester.threads(), order.size(), Buffers::new, (b, i) -> {
            int k = order.get(i);
            Path file = files.get(k);
            try {
                writeContent(file, entries.get(k), b);
            } catch (IOException ex) {
                throw new ForgeException("cannot write " + file + ": " + ex.getMessage(), ex);
            }
        });
    }

    /**
     * A thread's write buffers, reused from file to file: a small pair for small files (written
     * through the page cache, no overlap needed) and three 4 MiB ones for O_DIRECT, each allocated at
     * the first file that needs it, so that a checkout of small images never touches 12 MiB.
     */
    private static final class Buffers implements Workers.State {
        private DirectWriter.Buffers small;
        private DirectWriter.Buffers large;

        DirectWriter.Buffers forSize(long size) {
            if (size < DirectWriter.DIRECT_MIN_SIZE) {
                if (small == null) small = DirectWriter.Buffers.acquire(2, 256 << 10);
                return small;
            }
            if (large == null) large = DirectWriter.Buffers.acquire(3, 4 << 20);
            return large;
        }

        @Override
        public void close() {
            if (small != null) small.release();
            if (large != null) large.release();
            small = large = null;
        }
    }

    /**
     * Writes one entry at {@code root/path}. A symlink or file where a parent directory should be is
     * refused rather than followed: following it could write outside the work tree; so is a folder where
     * the file should be, which may hold the user's files.
     */
    private void write(Path root, StageEntry e, Buffers buffers) {
        Path target = root.resolve(e.path());
        try {
            Path dir = target.getParent();
            for (Path p = dir; p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
                if (Files.isSymbolicLink(p)
                        || (Files.exists(p, LinkOption.NOFOLLOW_LINKS)
                                && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
                    throw new dev.forge.core.error.WouldOverwriteException(
                            "cannot write " + e.path() + ": " + root.relativize(p)
                                    + " is a file or symlink, not a directory; move it away or use --force");
                }
            }
            Files.createDirectories(dir);
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                // Checkout --force clears such a folder first (WorkTreeUpdate); anything else must not delete it.
                throw new dev.forge.core.error.WouldOverwriteException("cannot write " + e.path()
                        + ": a folder is in the way; move it away (checkout and switch: or use --force)");
            }
            if (e.kind() == FileKind.SYMLINK) {
                Path link = linkTarget(e);
                Files.deleteIfExists(target);
                Files.createSymbolicLink(target, link);
                return;
            }
            Path tmp = temp.create(dir);
            try {
                writeContent(tmp, e, buffers);
                temp.publish(tmp, target);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException ex) {
            throw new ForgeException("cannot write " + target + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Fills {@code file} (an empty file) with {@code e}'s content and permissions; for a symlink entry,
     * replaces it with a symlink of the same name.
     */
    private void writeContent(Path file, StageEntry e, Buffers buffers) throws IOException {
        if (e.kind() == FileKind.SYMLINK) {
            Path link = linkTarget(e);
            Files.deleteIfExists(file);
            Files.createSymbolicLink(file, link);
            return;
        }
        // Large files go out through O_DIRECT: on this kind of VM filling new page-cache pages costs
        // more CPU than verifying the chunks (docs/benchmarks.md, checkout).
        try (DirectWriter w = DirectWriter.open(
                file, e.content().size(), buffers.forSize(e.content().size()))) {
            for (ChunkList.ChunkRef c : objects.chunks(e.content())) {
                w.write(objects.chunkBuffer(c));
                progress.advance(c.length());
            }
            w.finish(false);
        }
        setPermissions(file, e.kind());
    }

    /** rw-r--r--, or rwxr-xr-x for an executable: what a checkout gives every file it writes. */
    static void setPermissions(Path file, FileKind kind) throws IOException {
        Set<PosixFilePermission> perms = EnumSet.of(
                PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ,
                PosixFilePermission.OTHERS_READ);
        if (kind == FileKind.EXECUTABLE) {
            perms.addAll(EnumSet.of(
                    PosixFilePermission.OWNER_EXECUTE,
                    PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
        }
        Files.setPosixFilePermissions(file, perms);
    }

    /** A symlink entry's target, refused when longer than any file system allows (a hostile tree). */
    private Path linkTarget(StageEntry e) throws IOException {
        if (e.content().size() > MAX_LINK_TARGET) {
            throw new dev.forge.core.error.IntegrityException("symlink " + e.path() + " ("
                    + e.content().id().shortHex() + ") has a target of "
                    + e.content().size()
                    + " bytes, more than a file system allows");
        }
        return Path.of(new String(bytes(e), StandardCharsets.UTF_8));
    }

    /** Streams a file's bytes, verified chunk by chunk. */
    void copyTo(StageEntry e, OutputStream out) throws IOException {
        for (ChunkList.ChunkRef c : objects.chunks(e.content())) out.write(objects.chunk(c));
    }

    private byte[] bytes(StageEntry e) throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        copyTo(e, b);
        return b.toByteArray();
    }

    /** Deletes {@code p} and, for a folder, everything in it (symlinks themselves, never their targets). */
    static void deleteTree(Path p) throws IOException {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(p);
            return;
        }
        // walkFileTree keeps its own stack, so a deep folder cannot overflow this thread's.
        Files.walkFileTree(p, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a)
                    throws IOException {
                Files.deleteIfExists(f);
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) throw e;
                Files.deleteIfExists(d);
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
    }
}
