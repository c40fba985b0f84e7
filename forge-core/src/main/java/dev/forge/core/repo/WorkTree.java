package dev.forge.core.repo;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.model.FileKind;
import dev.forge.core.port.StatEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The user's files: path naming ('/'-separated, relative to the root), scanning with the ignore rules,
 * and stat. {@code .forge} and {@code .git}, at any depth, are never part of the work tree
 * ({@link IgnoreRules#ALWAYS_IGNORED}).
 */
final class WorkTree {
    private final Path root;
    private final IgnoreRules ignore;

    WorkTree(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            this.ignore = IgnoreRules.load(this.root);
        } catch (IOException e) {
            throw new ForgeException("cannot read .forgeignore: " + e.getMessage(), e);
        }
    }

    Path root() {
        return root;
    }

    /** The repository path of a user argument (relative to {@code cwd}); "" is the root. */
    String relativize(Path cwd, String arg) {
        Path abs = cwd.resolve(arg).toAbsolutePath().normalize();
        if (!abs.startsWith(root)) throw new InvalidInputException("'" + arg + "' is outside the repository " + root);
        String rel = root.relativize(abs).toString().replace('\\', '/');
        if (rel.equals(".forge") || rel.startsWith(".forge/")) {
            throw new InvalidInputException("'" + arg + "' is inside .forge, which forge manages itself");
        }
        return rel;
    }

    Path resolve(String path) {
        return path.isEmpty() ? root : root.resolve(path);
    }

    boolean ignored(String path, boolean dir) {
        return ignore.ignored(path, dir);
    }

    /** Stats one path without following symlinks; null when it does not exist or is not a file kind Forge tracks. */
    WorkFile stat(String path) {
        return stat(path, resolve(path));
    }

    /** Stats {@code p}, naming it {@code path}; null when missing or not a file, executable or symlink. */
    static WorkFile stat(String path, Path p) {
        try {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() || a.isSymbolicLink() ? toWorkFile(path, p, a) : null;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new ForgeException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every tracked-kind file at or under {@code path} that is not ignored, sorted by path. A named file
     * is returned even when ignored (the user asked for it), but never one inside {@code .git} or
     * {@code .forge}. Missing paths throw NotFoundException.
     */
    List<WorkFile> scan(String path) {
        List<WorkFile> out = scanUnsorted(path);
        out.sort((a, b) -> dev.forge.core.model.Tree.NAME_ORDER.compare(a.path(), b.path()));
        return out;
    }

    /**
     * As {@link #scan}, in no particular order. Directories are listed on all cores (a fork-join task
     * per directory) and each entry costs one lstat, read as {@link PosixFileAttributes} rather than
     * through the "unix:" attribute map: with 100,000 files the map and the second stat that
     * walkFileTree needed were most of {@code forge status}.
     */
    List<WorkFile> scanUnsorted(String path) {
        Path start = resolve(path);
        if (!Files.exists(start, LinkOption.NOFOLLOW_LINKS)) {
            throw new NotFoundException("path not found: " + (path.isEmpty() ? "." : path));
        }
        if (IgnoreRules.alwaysIgnored(path)) {
            throw new InvalidInputException(
                    "'" + path + "' is inside a .git or .forge folder, which forge never tracks");
        }
        List<WorkFile> out = new ArrayList<>();
        if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            WorkFile f = stat(path);
            if (f != null) out.add(f);
            return out;
        }
        java.util.concurrent.ConcurrentLinkedQueue<List<WorkFile>> parts =
                new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.ForkJoinPool pool =
                new java.util.concurrent.ForkJoinPool(dev.forge.core.concurrent.Workers.defaultThreads());
        try {
            pool.invoke(new ListDir(start, path, parts));
        } catch (java.io.UncheckedIOException e) {
            throw new ForgeException(
                    "cannot scan " + start + ": " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        for (List<WorkFile> part : parts) out.addAll(part);
        return out;
    }

    /** Lists one directory: its files into {@code parts}, its subdirectories as forked tasks. */
    private final class ListDir extends java.util.concurrent.RecursiveAction {
        private final Path dir;
        private final String rel;
        private final java.util.Queue<List<WorkFile>> parts;

        ListDir(Path dir, String rel, java.util.Queue<List<WorkFile>> parts) {
            this.dir = dir;
            this.rel = rel;
            this.parts = parts;
        }

        @Override
        protected void compute() {
            List<WorkFile> files = new ArrayList<>();
            List<ListDir> subdirs = new ArrayList<>();
            try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    String name = p.getFileName().toString();
                    if (IgnoreRules.ALWAYS_IGNORED.contains(name)) continue;
                    String r = rel.isEmpty() ? name : rel + "/" + name;
                    PosixFileAttributes a;
                    try {
                        a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    } catch (NoSuchFileException gone) {
                        continue;
                    }
                    if (a.isDirectory()) {
                        if (!ignore.ignored(r, true)) subdirs.add(new ListDir(p, r, parts));
                    } else if ((a.isRegularFile() || a.isSymbolicLink())
                            && !name.startsWith(".forge-tmp-")
                            && !ignore.ignored(r, false)) {
                        files.add(toWorkFile(r, p, a));
                    }
                }
            } catch (NoSuchFileException gone) {
                // removed while we listed it: nothing there to report
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            parts.add(files);
            invokeAll(subdirs);
        }
    }

    private static WorkFile toWorkFile(String path, Path p, PosixFileAttributes a) throws IOException {
        FileKind kind = a.isSymbolicLink()
                ? FileKind.SYMLINK
                : a.permissions().contains(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE)
                        ? FileKind.EXECUTABLE
                        : FileKind.FILE;
        return new WorkFile(
                path, p, kind, a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), inode(p, a.fileKey()));
    }

    /**
     * The inode number. The JDK exposes it as "unix:ino" (an attribute map per call) or inside the
     * file key, whose string form on Linux is "(dev=..,ino=N)"; the key is read when it has that form.
     */
    private static long inode(Path p, Object fileKey) throws IOException {
        if (fileKey != null) {
            String k = fileKey.toString();
            int i = k.indexOf("ino=");
            if (i >= 0) {
                long v = 0;
                int j = i + 4;
                for (; j < k.length() && k.charAt(j) >= '0' && k.charAt(j) <= '9'; j++)
                    v = v * 10 + (k.charAt(j) - '0');
                if (j > i + 4 && j < k.length() && k.charAt(j) == ')') return v;
            }
        }
        return (Long) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Whether a stat taken at wall-clock {@code statTimeNanos} may be cached. A file rewritten within the
     * same timestamp tick as the stat we took would keep its size and mtime and look unchanged, so only
     * files whose mtime is older than one tick before the stat are cached. The tick is taken as 2 s
     * when the mtime has no sub-second part (FAT, some NFS and older file systems store whole
     * seconds), otherwise 100 ms: far above the few milliseconds of the coarse clock that ext4, XFS and
     * btrfs stamp files with.
     */
    static boolean cacheable(WorkFile f, long statTimeNanos) {
        long tick = f.mtimeNanos() % 1_000_000_000L == 0 ? 2_000_000_000L : 100_000_000L;
        return f.mtimeNanos() < statTimeNanos - tick;
    }

    /** Whether the cached stat still describes the file, so its cached content can be trusted. */
    static boolean unchanged(WorkFile f, StatEntry cached) {
        return cached != null
                && cached.size() == f.size()
                && cached.mtimeNanos() == f.mtimeNanos()
                && cached.inode() == f.inode();
    }

    /** Whether {@code path} is at or under {@code prefix} ("" is the root). */
    static boolean under(String path, String prefix) {
        return prefix.isEmpty() || path.equals(prefix) || path.startsWith(prefix + "/");
    }
}
