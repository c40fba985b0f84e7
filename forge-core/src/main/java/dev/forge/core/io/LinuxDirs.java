package dev.forge.core.io;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Directory listing and lstat through Linux's own calls ({@code openat}, {@code getdents64}, {@code
 * statx} relative to the directory's descriptor), bound through the FFM API: a listing of 100,000
 * files through {@code Files.newDirectoryStream} and {@code Files.readAttributes} made a {@code Path},
 * an attribute object, an {@code EnumSet} of permissions and a file-key string per file, and most of
 * {@code forge status} on such a tree was that (docs/benchmarks.md, issue 16). Here a listing is one
 * {@code getdents64} per 64 KiB of names into a reused buffer and one {@code statx} per entry, with no
 * object per entry. {@code forge add} reads small files through the same calls ({@link
 * Lister#openFile}, {@link Lister#readFile}, {@link Lister#statFile}): no channel, cleaner or
 * attribute object per file, and the bytes land in the caller's array without NIO's copy.
 *
 * <p>{@link #get} binds the five calls once, on first use, and returns null where that cannot be done
 * (not Linux on x86-64 or aarch64, a libc without these symbols, native access refused,
 * {@code -Dforge.scan.native=false}); callers then use NIO. A call that fails returns -1 instead of
 * throwing, so that a caller hands the folder to its NIO path, which words the error.
 */
public final class LinuxDirs {
    /** {@code struct statx} is 256 bytes on every architecture. */
    private static final int STATX_SIZE = 256;

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int AT_NO_AUTOMOUNT = 0x800;
    /** STATX_TYPE | STATX_MODE | STATX_MTIME | STATX_INO | STATX_SIZE. */
    static final int STATX_WANTED = 0x1 | 0x2 | 0x40 | 0x100 | 0x200;

    /** Bytes of the buffer {@code getdents64} fills per call. */
    static final int DIRENT_BUFFER = 64 * 1024;

    /** The file type bits of a mode, and the types a scan tells apart. */
    public static final int S_IFMT = 0xF000;

    public static final int S_IFDIR = 0x4000;
    public static final int S_IFREG = 0x8000;
    public static final int S_IFLNK = 0xA000;

    private final MethodHandle openat;
    private final MethodHandle getdents64;
    private final MethodHandle statx;
    private final MethodHandle read;
    private final MethodHandle close;
    private final int oDirectoryFlags;
    private final int oFileFlags;

    private static final int AT_EMPTY_PATH = 0x1000;

    /**
     * The most bytes {@link Lister#readFile} reads in one call: a critical call keeps the JVM from a
     * safepoint while it runs, so a long read (a slow disk, a network file system) must not be one.
     */
    public static final int READ_CHUNK = 256 << 10;

    @SuppressWarnings("restricted")
    private LinuxDirs(SymbolLookup libc, String arch) {
        Linker linker = Linker.nativeLinker();
        // getdents64 and statx are short system calls on buffers this class owns: bound as critical
        // with heap access, the kernel writes straight into the Java arrays and the call skips the
        // thread-state transition (with the fields read from a byte[], this form is what made the
        // listing cheaper than NIO; docs/benchmarks.md). The price: while one such call blocks (a
        // hung network file system), the JVM cannot reach a safepoint, so other threads wait too.
        Linker.Option critical = Linker.Option.critical(true);
        // O_DIRECTORY and O_NOFOLLOW differ between x86-64 (0200000, 0400000) and the generic table
        // aarch64 uses (040000, 0100000).
        int oDirectory = arch.equals("aarch64") ? 0x4000 : 0x10000;
        int oNofollow = arch.equals("aarch64") ? 0x8000 : 0x20000;
        this.oDirectoryFlags = O_RDONLY | oDirectory | O_CLOEXEC | oNofollow;
        this.oFileFlags = O_RDONLY | O_CLOEXEC | oNofollow;
        // int openat(int dirfd, const char *path, int flags, ... /* mode_t mode */)
        this.openat = linker.downcallHandle(
                find(libc, "openat"),
                FunctionDescriptor.of(
                        ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS,
                        ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT),
                Linker.Option.firstVariadicArg(3));
        // ssize_t getdents64(int fd, void *dirp, size_t count)  (glibc 2.30)
        this.getdents64 = linker.downcallHandle(
                find(libc, "getdents64"),
                FunctionDescriptor.of(
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                critical);
        // int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf)  (glibc 2.28)
        this.statx = linker.downcallHandle(
                find(libc, "statx"),
                FunctionDescriptor.of(
                        ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS,
                        ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS),
                critical);
        // ssize_t read(int fd, void *buf, size_t count): critical with heap access like getdents64, so
        // a small file's bytes go from the page cache straight into the caller's array (NIO reads into
        // a native buffer and copies), in pieces of at most READ_CHUNK.
        this.read = linker.downcallHandle(
                find(libc, "read"),
                FunctionDescriptor.of(
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                critical);
        this.close = linker.downcallHandle(
                find(libc, "close"), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new IllegalStateException("libc has no symbol " + name));
    }

    private static final class Holder {
        static final LinuxDirs INSTANCE = bind();
    }

    /** The bound calls, or null where they are not available (see the class comment). */
    public static LinuxDirs get() {
        return Holder.INSTANCE;
    }

    private static LinuxDirs bind() {
        if (!Boolean.parseBoolean(System.getProperty("forge.scan.native", "true"))) return null;
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.equals("linux") || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64")))
            return null;
        try {
            LinuxDirs d = new LinuxDirs(Linker.nativeLinker().defaultLookup(), arch);
            d.selfTest();
            return d;
        } catch (Throwable e) { // any failure to bind (IllegalCallerException without native access, too)
            return null;
        }
    }

    /** Lists "/" once, so a binding that works but reads nonsense is never used. */
    private void selfTest() {
        try (Arena arena = Arena.ofConfined()) {
            Lister l = new Lister(arena);
            int fd = l.open("/".getBytes(StandardCharsets.US_ASCII));
            if (fd < 0) throw new IllegalStateException("cannot open /");
            try {
                if (l.stat(fd, l.dot) != 0 || (l.mode() & S_IFMT) != S_IFDIR)
                    throw new IllegalStateException("statx of / does not say it is a folder");
                if (l.read(fd) <= 0) throw new IllegalStateException("getdents64 of / returned nothing");
            } finally {
                l.close(fd);
            }
        }
    }

    /**
     * One thread's buffers: the {@code getdents64} buffer, the {@code statx} record and a path buffer.
     * Not thread-safe; one per thread.
     */
    public final class Lister {
        /** What the last {@link #read} returned (struct linux_dirent64 records). */
        public final byte[] entries = new byte[DIRENT_BUFFER];

        private final MemorySegment entriesSegment = MemorySegment.ofArray(entries);
        /** The last {@code statx} record. */
        private final byte[] stat = new byte[STATX_SIZE];

        private final MemorySegment statSegment = MemorySegment.ofArray(stat);
        private final MemorySegment path;
        private final MemorySegment dot;
        private final MemorySegment empty;

        public Lister(Arena arena) {
            this.path = arena.allocate(4096 + 1);
            this.dot = arena.allocateFrom(".");
            this.empty = arena.allocateFrom("");
        }

        /**
         * Opens the file at {@code abs} (bytes, no NUL; at most 4095) for reading, without following a
         * symlink there: the descriptor, or -1 (whatever the reason: the caller's NIO path words it).
         */
        public int openFile(byte[] abs) {
            if (abs.length >= 4096) return -1;
            MemorySegment.copy(abs, 0, path, ValueLayout.JAVA_BYTE, 0, abs.length);
            path.set(ValueLayout.JAVA_BYTE, abs.length, (byte) 0);
            try {
                return (int) openat.invokeExact(AT_FDCWD, path, oFileFlags, 0);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        /** fstat of an open descriptor (statx with an empty path): 0, or -1; fields as after {@link #statEntry}. */
        public int statFile(int fd) {
            return stat(fd, empty, AT_EMPTY_PATH);
        }

        /**
         * Reads up to {@code len} bytes of {@code fd} into {@code buf[off..]}: the bytes read (fewer at
         * the end of the file, 0 there), or -1.
         */
        public int readFile(int fd, byte[] buf, int off, int len) {
            java.util.Objects.checkFromIndexSize(off, len, buf.length);
            int done = 0;
            try {
                while (done < len) {
                    int want = Math.min(len - done, READ_CHUNK);
                    MemorySegment to = MemorySegment.ofArray(buf).asSlice(off + done, want);
                    long n = (long) read.invokeExact(fd, to, (long) want);
                    if (n < 0) return -1;
                    if (n == 0) break;
                    done += (int) n;
                }
                return done;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * Opens the folder at absolute path {@code abs} (bytes, no NUL; at most 4095 bytes) without
         * following a symlink there: the descriptor, or -1.
         */
        public int open(byte[] abs) {
            if (abs.length >= 4096) return -1;
            MemorySegment.copy(abs, 0, path, ValueLayout.JAVA_BYTE, 0, abs.length);
            path.set(ValueLayout.JAVA_BYTE, abs.length, (byte) 0);
            try {
                return (int) openat.invokeExact(AT_FDCWD, path, oDirectoryFlags, 0);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * Reads the next entries of {@code fd} into {@link #entries}: the number of bytes (0 at the end),
         * or -1. Entries are {@code struct linux_dirent64}: u64 inode, s64 offset, u16 record length, u8
         * type, the NUL-terminated name from byte 19.
         */
        public int read(int fd) {
            try {
                long n = (long) getdents64.invokeExact(fd, entriesSegment, (long) DIRENT_BUFFER);
                return n < 0 ? -1 : (int) n;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * lstat of the entry that starts at {@code offset} in {@link #entries} (relative to {@code fd}):
         * 0, or -1 (whatever the reason: the caller's NIO path finds and words it). The fields are then
         * read with {@link #mode} and the others.
         */
        public int statEntry(int fd, int offset) {
            return stat(fd, entriesSegment.asSlice(offset + 19));
        }

        private int stat(int fd, MemorySegment name) {
            return stat(fd, name, 0);
        }

        private int stat(int fd, MemorySegment name, int extraFlags) {
            try {
                int rc = (int) statx.invokeExact(
                        fd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | extraFlags, STATX_WANTED, statSegment);
                if (rc != 0) return -1;
                int mask = (stat[0] & 0xFF) | (stat[1] & 0xFF) << 8 | (stat[2] & 0xFF) << 16 | (stat[3] & 0xFF) << 24;
                // A file system that cannot say one of these: the caller's NIO path decides instead.
                return (mask & STATX_WANTED) == STATX_WANTED ? 0 : -1;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        /** The mode (type and permission bits) the last {@link #statEntry} read. */
        public int mode() {
            return (stat[28] & 0xFF) | (stat[29] & 0xFF) << 8;
        }

        public long inode() {
            return le64(32);
        }

        public long size() {
            return le64(40);
        }

        /**
         * The modification time in nanoseconds, as {@code FileTime.to(NANOSECONDS)} gives it for the
         * JDK's attributes (saturated where it does not fit).
         */
        public long mtimeNanos() {
            long sec = le64(112);
            int nsec = (int) le64(120);
            try {
                return Math.addExact(Math.multiplyExact(sec, 1_000_000_000L), nsec);
            } catch (ArithmeticException e) {
                return sec < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
            }
        }

        /** Little-endian (both architectures {@link #get} binds on are) u64 at {@code at} of {@link #stat}. */
        private long le64(int at) {
            long v = 0;
            for (int i = 7; i >= 0; i--) v = v << 8 | (stat[at + i] & 0xFF);
            return v;
        }

        public void close(int fd) {
            try {
                int ignored = (int) close.invokeExact(fd);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
