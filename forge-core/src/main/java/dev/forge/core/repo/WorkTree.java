package dev.forge.core.repo;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.io.FileNames;
import dev.forge.core.io.LinuxDirs;
import dev.forge.core.model.FileKind;
import dev.forge.core.port.StatEntry;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
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
 *
 * <p>A path is what the tree records, so it is taken only when it names exactly one file: a symlink is
 * a file of its own (never followed, and no path through one is a work-tree path), and a name whose
 * bytes are not valid UTF-8 has no path ({@link FileNames#name}). What a scan cannot take in (such a
 * name, a folder or file it may not read, a path longer than the system allows) it reports as a
 * {@link SkippedPath} and goes on; a command that reports them ends with exit 12.
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

    /**
     * The repository path of a user argument (relative to {@code cwd}); "" is the root. A path that goes
     * through a symlink is refused: the symlink is what the work tree holds (forge stores the link, not
     * what it points to), and following it could reach files outside the tree.
     */
    String relativize(Path cwd, String arg) {
        Path abs = cwd.resolve(arg).toAbsolutePath().normalize();
        if (!abs.startsWith(root)) throw new InvalidInputException("'" + arg + "' is outside the repository " + root);
        String rel = root.relativize(abs).toString().replace('\\', '/');
        if (rel.equals(".forge") || rel.startsWith(".forge/")) {
            throw new InvalidInputException("'" + arg + "' is inside .forge, which forge manages itself");
        }
        String link = symlinkAbove(rel);
        if (link != null) {
            throw new InvalidInputException("'" + arg + "' is beyond the symbolic link '" + link
                    + "': forge stores a link itself, never what it points to (name '" + link + "' instead)");
        }
        return rel;
    }

    /**
     * The first folder above {@code path} (root excluded, the path itself excluded) that is a symlink or
     * not a folder, or null when every one that exists is a real folder.
     */
    private String symlinkAbove(String path) {
        int slash = path.lastIndexOf('/');
        if (slash < 0 || realDirs.contains(path.substring(0, slash))) return null;
        slash = path.indexOf('/');
        while (slash >= 0) {
            String parent = path.substring(0, slash);
            if (!realDirs.contains(parent)) {
                try {
                    PosixFileAttributes a = Files.readAttributes(
                            root.resolve(parent), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.isSymbolicLink()) return parent;
                    if (!a.isDirectory()) return null;
                    realDirs.add(parent);
                } catch (IOException e) {
                    return null;
                }
            }
            slash = path.indexOf('/', slash + 1);
        }
        return null;
    }

    /**
     * Folders found to be real folders (not symlinks) during this command, so that stat'ing many files
     * in one folder checks it once. Only what was seen is remembered: a folder replaced by a symlink
     * behind Forge's back while one command runs is not noticed.
     */
    private final java.util.Set<String> realDirs = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * The file system path of a repository path. Throws {@link UnreadablePathException} for a path the
     * JVM cannot name in this locale (not ASCII while it reads names as ASCII; see FileNames).
     */
    Path resolve(String path) {
        try {
            return path.isEmpty() ? root : root.resolve(path);
        } catch (java.nio.file.InvalidPathException e) {
            throw new UnreadablePathException(SkippedPath.of(path, SkippedPath.NOT_UTF8_LOCALE), e);
        }
    }

    boolean ignored(String path, boolean dir) {
        return ignore.ignored(path, dir);
    }

    /**
     * Stats one path without following symlinks, its own or its folders': null when it does not exist,
     * is not a file kind Forge tracks, or lies beyond a symlink or a file (then it does not exist in the
     * work tree, whatever the link points to). A path that exists but cannot be stat'ed (permission
     * denied, too long) throws {@link UnreadablePathException}.
     */
    WorkFile stat(String path) {
        WorkFile f = stat(path, resolve(path));
        if (f != null && path.indexOf('/') >= 0 && symlinkAbove(path) != null) return null;
        return f;
    }

    /**
     * Stats {@code p}, naming it {@code path}; null when missing (or a folder above it is a file) or not
     * a file, executable or symlink. Folders above {@code p} are not checked for symlinks.
     */
    static WorkFile stat(String path, Path p) {
        try {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() && !a.isSymbolicLink()) return null;
            WorkFile f = toWorkFile(path, p, a);
            if (f == null) throw new UnreadablePathException(SkippedPath.of(path, BAD_LINK), null);
            return f;
        } catch (NoSuchFileException e) {
            return null;
        } catch (FileSystemException e) {
            if ("Not a directory".equals(e.getReason())) return null;
            throw new UnreadablePathException(SkippedPath.of(path, e), e);
        } catch (IOException e) {
            throw new UnreadablePathException(SkippedPath.of(path, e), e);
        }
    }

    /** A path that exists but that Forge cannot stat or read: the message names it and the reason. */
    static final class UnreadablePathException extends ForgeException {
        private final transient SkippedPath skipped;

        UnreadablePathException(SkippedPath skipped, Throwable cause) {
            super("cannot read " + skipped.display() + ": " + skipped.reason(), cause);
            this.skipped = skipped;
        }

        SkippedPath skipped() {
            return skipped;
        }
    }

    /** The files a scan found (in no particular order unless sorted) and the paths it had to leave out. */
    record Scan(List<WorkFile> files, List<SkippedPath> skipped) {}

    /**
     * Every tracked-kind file at or under {@code path} that is not ignored, sorted by path. A named file
     * is returned even when ignored (the user asked for it), but never one inside {@code .git} or
     * {@code .forge}. Missing paths throw NotFoundException.
     */
    Scan scan(String path) {
        Scan s = scanUnsorted(path);
        s.files().sort((a, b) -> dev.forge.core.model.Tree.NAME_ORDER.compare(a.path(), b.path()));
        return s;
    }

    /**
     * As {@link #scan}, in no particular order. Directories are listed on all cores (a fork-join task
     * per directory), each through NIO: one lstat per entry, read as {@link PosixFileAttributes} rather
     * than through the "unix:" attribute map (with 100,000 files the map and the second stat that
     * walkFileTree needed were most of {@code forge status}). See {@link #scanUnsorted(String, int)}
     * for the Linux listing.
     */
    Scan scanUnsorted(String path) {
        return scanUnsorted(path, 0);
    }

    /**
     * How many files a scan must be expected to find before it lists through {@link LinuxDirs}
     * ({@code -Dforge.scan.nativeFrom=N}; 0: always, -1: never). Binding the calls costs a command
     * about 60-80 ms of CPU (the JVM spins classes and stubs for them, even with the AOT cache), and the
     * listing saves about 1.2 us per file against NIO: it pays from about 50,000 files
     * (docs/benchmarks.md, issue 16).
     */
    static final int NATIVE_FROM = 50_000;

    /**
     * As {@link #scanUnsorted(String)}, for a scan expected to find about {@code expectedFiles} files
     * (the stage's size, say): from {@link #NATIVE_FROM} of them, on Linux, each folder is listed
     * through {@link LinuxDirs} ({@code getdents64} and one {@code statx} per entry relative to the
     * folder's descriptor; no object per entry but the file found), and through NIO where any of that
     * fails. Both give the same files, stat fields and skipped paths (WorkTreeListingTest); a failure is
     * always worded by NIO.
     */
    Scan scanUnsorted(String path, int expectedFiles) {
        int from = Integer.getInteger("forge.scan.nativeFrom", NATIVE_FROM);
        return scanUnsorted(path, from >= 0 && expectedFiles >= from && LinuxDirs.get() != null);
    }

    /** As {@link #scanUnsorted(String)}, through {@link LinuxDirs} when {@code nativeListing} (tests compare). */
    Scan scanUnsorted(String path, boolean nativeListing) {
        Path start = resolve(path);
        if (IgnoreRules.alwaysIgnored(path)) {
            throw new InvalidInputException(
                    "'" + path + "' is inside a .git or .forge folder, which forge never tracks");
        }
        List<WorkFile> out = new ArrayList<>();
        List<SkippedPath> skipped = new ArrayList<>();
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(start, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("path not found: " + (path.isEmpty() ? "." : path));
        } catch (IOException e) {
            if (path.isEmpty()) throw Repository.io("cannot read the work tree " + root, e);
            skipped.add(SkippedPath.of(path, e));
            return new Scan(out, skipped);
        }
        if (!a.isDirectory()) {
            try {
                WorkFile f = stat(path);
                if (f != null) out.add(f);
            } catch (UnreadablePathException e) {
                skipped.add(e.skipped());
            }
            return new Scan(out, skipped);
        }
        byte[] rootBytes = nativeListing ? rootBytes() : null;
        java.util.concurrent.ConcurrentLinkedQueue<List<WorkFile>> parts =
                new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.ConcurrentLinkedQueue<SkippedPath> left =
                new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.ForkJoinPool pool =
                new java.util.concurrent.ForkJoinPool(dev.forge.core.concurrent.Workers.defaultThreads());
        try {
            pool.invoke(new ListDir(start, path, parts, left, rootBytes));
        } finally {
            pool.shutdownNow();
        }
        for (List<WorkFile> part : parts) out.addAll(part);
        skipped.addAll(left);
        skipped.sort((x, y) -> dev.forge.core.model.Tree.NAME_ORDER.compare(x.path(), y.path()));
        return new Scan(out, skipped);
    }

    /**
     * The root's path as the system has it, for opening folders below it by absolute path; null when
     * its String form does not name exactly those bytes (see FileNames), and then scans use NIO.
     */
    private byte[] rootBytes() {
        if (!FileNames.isExact(root)) return null;
        return root.toString().getBytes(FileNames.UTF8_NAMES ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII);
    }

    /** Each scanning thread's buffers for {@link LinuxDirs}, freed with the thread. */
    private static final ThreadLocal<LinuxDirs.Lister> LISTERS =
            ThreadLocal.withInitial(() -> LinuxDirs.get().new Lister(Arena.ofAuto()));

    /** Folders listed through {@link LinuxDirs} so far (tests check that it was used). */
    static final java.util.concurrent.atomic.LongAdder NATIVE_DIRS = new java.util.concurrent.atomic.LongAdder();

    /** The longest path (bytes, with its NUL) the system takes; longer ones are NIO's to refuse. */
    private static final int PATH_MAX = 4096;

    /**
     * Lists one directory: its files into {@code parts}, its subdirectories as forked tasks, and what it
     * cannot take in (an unreadable folder or entry, a name that is not UTF-8) into {@code skipped}.
     * With {@code rootBytes} (the root's path) it lists through {@link LinuxDirs}, and through NIO
     * where that fails.
     */
    private final class ListDir extends java.util.concurrent.RecursiveAction {
        private final Path dir;
        private final String rel;
        private final java.util.Queue<List<WorkFile>> parts;
        private final java.util.Queue<SkippedPath> skipped;
        private final byte[] rootBytes;

        ListDir(
                Path dir,
                String rel,
                java.util.Queue<List<WorkFile>> parts,
                java.util.Queue<SkippedPath> skipped,
                byte[] rootBytes) {
            this.dir = dir;
            this.rel = rel;
            this.parts = parts;
            this.skipped = skipped;
            this.rootBytes = rootBytes;
        }

        @Override
        protected void compute() {
            List<WorkFile> files = new ArrayList<>();
            List<ListDir> subdirs = new ArrayList<>();
            List<SkippedPath> skippedHere = new ArrayList<>();
            if (rootBytes != null && listNative(files, subdirs, skippedHere)) {
                NATIVE_DIRS.increment();
            } else {
                files.clear();
                subdirs.clear();
                skippedHere.clear();
                listNio(files, subdirs, skippedHere);
            }
            skipped.addAll(skippedHere);
            parts.add(files);
            invokeAll(subdirs);
        }

        /**
         * Lists {@link #dir} through {@link LinuxDirs}: false, with the lists to be discarded, when any
         * call fails but for an entry removed meanwhile (NIO then lists the folder and words the error).
         */
        private boolean listNative(List<WorkFile> files, List<ListDir> subdirs, List<SkippedPath> skippedHere) {
            byte[] relBytes = rel.getBytes(StandardCharsets.UTF_8);
            int len = rootBytes.length + (rel.isEmpty() ? 0 : 1 + relBytes.length);
            // An entry's absolute path must fit PATH_MAX for NIO (and every later command) to name it.
            if (len + 1 + 255 + 1 > PATH_MAX) return false;
            byte[] abs = java.util.Arrays.copyOf(rootBytes, len);
            if (!rel.isEmpty()) {
                abs[rootBytes.length] = '/';
                System.arraycopy(relBytes, 0, abs, rootBytes.length + 1, relBytes.length);
            }
            LinuxDirs.Lister l = LISTERS.get();
            int fd = l.open(abs);
            if (fd < 0) return false;
            String prefix = rel.isEmpty() ? "" : rel + "/";
            try {
                for (int n; (n = l.read(fd)) != 0; ) {
                    if (n < 0) return false;
                    byte[] b = l.entries;
                    for (int off = 0, reclen; off < n; off += reclen) {
                        reclen = (b[off + 16] & 0xFF) | (b[off + 17] & 0xFF) << 8;
                        int from = off + 19;
                        int to = from;
                        while (b[to] != 0) to++;
                        if (b[from] == '.' && (to == from + 1 || (to == from + 2 && b[from + 1] == '.'))) continue;
                        String name = FileNames.name(b, from, to);
                        if (name == null) {
                            skippedHere.add(SkippedPath.invalidName(rel, java.util.Arrays.copyOfRange(b, from, to)));
                            continue;
                        }
                        if (IgnoreRules.ALWAYS_IGNORED.contains(name)) continue;
                        if (rel.isEmpty()
                                && name.startsWith(InitLeftovers.PREFIX)
                                && InitLeftovers.isLeftover(dir.resolve(name))) continue;
                        if (l.statEntry(fd, off) != 0) return false;
                        int type = l.mode() & LinuxDirs.S_IFMT;
                        String r = prefix.concat(name);
                        if (type == LinuxDirs.S_IFDIR) {
                            if (!ignore.ignored(r, true))
                                subdirs.add(new ListDir(dir.resolve(name), r, parts, skipped, rootBytes));
                        } else if ((type == LinuxDirs.S_IFREG || type == LinuxDirs.S_IFLNK)
                                && !ignore.ignored(r, false)) {
                            FileKind kind;
                            if (type == LinuxDirs.S_IFLNK) {
                                try {
                                    if (!FileNames.isExact(Files.readSymbolicLink(dir.resolve(name)))) {
                                        skippedHere.add(SkippedPath.of(r, BAD_LINK));
                                        continue;
                                    }
                                } catch (IOException | RuntimeException e) {
                                    return false;
                                }
                                kind = FileKind.SYMLINK;
                            } else {
                                kind = (l.mode() & 0100) != 0
                                        ? FileKind.EXECUTABLE
                                        : FileKind.FILE; // S_IXUSR, as OWNER_EXECUTE
                            }
                            files.add(WorkFile.under(root, r, kind, l.size(), l.mtimeNanos(), l.inode()));
                        }
                    }
                }
            } finally {
                l.close(fd);
            }
            return true;
        }

        private void listNio(List<WorkFile> files, List<ListDir> subdirs, List<SkippedPath> skipped) {
            try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    String name = FileNames.name(p);
                    if (name == null) {
                        skipped.add(SkippedPath.invalidName(rel, FileNames.rawName(p)));
                        continue;
                    }
                    if (IgnoreRules.ALWAYS_IGNORED.contains(name)) continue;
                    if (rel.isEmpty() && name.startsWith(InitLeftovers.PREFIX) && InitLeftovers.isLeftover(p)) continue;
                    String r = rel.isEmpty() ? name : rel + "/" + name;
                    PosixFileAttributes a;
                    try {
                        a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    } catch (NoSuchFileException gone) {
                        continue;
                    } catch (IOException e) {
                        if (!ignore.ignored(r, false)) skipped.add(SkippedPath.of(r, e));
                        continue;
                    }
                    if (a.isDirectory()) {
                        if (!ignore.ignored(r, true)) subdirs.add(new ListDir(p, r, parts, this.skipped, rootBytes));
                    } else if ((a.isRegularFile() || a.isSymbolicLink()) && !ignore.ignored(r, false)) {
                        WorkFile f = toWorkFile(r, p, a);
                        if (f != null) files.add(f);
                        else skipped.add(SkippedPath.of(r, BAD_LINK));
                    }
                }
            } catch (NoSuchFileException gone) {
                // removed while we listed it: nothing there to report
            } catch (IOException | java.nio.file.DirectoryIteratorException e) {
                IOException io =
                        e instanceof IOException x ? x : ((java.nio.file.DirectoryIteratorException) e).getCause();
                skipped.add(SkippedPath.of(rel.isEmpty() ? "." : rel, io));
            }
        }
    }

    private static final String BAD_LINK = "the symlink's target is not valid UTF-8";

    /** The work file at {@code p}; null for a symlink whose target is not valid UTF-8 (it has no String to store). */
    private static WorkFile toWorkFile(String path, Path p, PosixFileAttributes a) throws IOException {
        if (a.isSymbolicLink() && !FileNames.isExact(Files.readSymbolicLink(p))) return null;
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
