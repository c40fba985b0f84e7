package dev.forge.core.repo;

import dev.forge.core.chunk.CandidateChunker;
import dev.forge.core.chunk.ChunkStream;
import dev.forge.core.codec.MediaSniffer;
import dev.forge.core.concurrent.Workers;
import dev.forge.core.hash.Blake3;
import dev.forge.core.hash.Blake3Hasher;
import dev.forge.core.io.FileNames;
import dev.forge.core.io.LinuxDirs;
import dev.forge.core.model.ChunkList;
import dev.forge.core.model.ContentRef;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.port.ObjectStore;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The ingest pipeline: read, cut (FastCDC), hash (BLAKE3), compress where it pays, append to a pack.
 * One platform thread per core, each with its own buffers, hasher, codec context and pack writer;
 * whole files are the unit of work, largest first so the threads finish together. When there are
 * fewer files than threads (one large file, say), the spare cores help each worker find the cut
 * points of its large files (ChunkStream's parallel stage 1, identical cuts). With {@code
 * store=false} it only computes content ids (status uses this to compare a changed file); with {@code
 * keepChunkLists} each result also carries the file's chunk list (diff uses it to tell new bytes from
 * bytes the other version already has).
 */
final class Ingester {
    /** Files up to this size are read whole into the thread's buffer. */
    private static final int SMALL_FILE = 8 << 20;

    /**
     * Small files are read through {@link LinuxDirs} where it binds, unless {@code
     * -Dforge.read.native=false}, in a run of at least {@link #NATIVE_READ_FROM} files.
     */
    private static final boolean NATIVE_READ = Boolean.parseBoolean(System.getProperty("forge.read.native", "true"));

    /**
     * How many files a run must have before it binds {@link LinuxDirs} to read them ({@code
     * -Dforge.read.nativeFrom=N}). Binding costs a command 60-80 ms of CPU (the JVM spins classes and
     * stubs for the calls, even with the AOT cache): an eighth of the main thread of {@code forge add}
     * of one file, which NIO reads as well.
     */
    static final int NATIVE_READ_FROM = Integer.getInteger("forge.read.nativeFrom", 1000);

    private int nativeReadFrom = NATIVE_READ_FROM;

    /** Whether this run reads small files through {@link LinuxDirs}; set by {@link #run}. */
    private volatile boolean nativeRead;

    /** Files read through {@link LinuxDirs} so far (tests check that it was used). */
    static final java.util.concurrent.atomic.LongAdder NATIVE_READS = new java.util.concurrent.atomic.LongAdder();

    private static final int PROBE_MISSES = 4;
    private static final int PROBE_EVERY = 32;

    private final ObjectStore store;
    private final RepoConfig config;
    private final CandidateChunker chunker;
    private final boolean storeObjects;
    private final boolean keepChunkLists;
    private final ProgressListener progress;
    private int threads = threads();
    /** Files that could not be read, when asked to go on without them ({@link #skipUnreadable}); else null. */
    private java.util.Queue<SkippedPath> skipped;

    /** {@code chunks}: the file's chunks in order when asked for with {@code keepChunkLists}, else empty. */
    record Result(WorkFile file, ContentRef content, boolean stable, List<ChunkList.ChunkRef> chunks) {}

    Ingester(ObjectStore store, RepoConfig config, boolean storeObjects, ProgressListener progress) {
        this(store, config, storeObjects, false, progress);
    }

    Ingester(
            ObjectStore store,
            RepoConfig config,
            boolean storeObjects,
            boolean keepChunkLists,
            ProgressListener progress) {
        this.store = store;
        this.config = config;
        this.chunker = new CandidateChunker(config.chunking());
        this.storeObjects = storeObjects;
        this.keepChunkLists = keepChunkLists;
        this.progress = progress;
    }

    private java.util.function.Predicate<dev.forge.core.model.ObjectId> heldElsewhere = id -> false;

    /** Chunks not stored though this store lacks them: evicted ones a remote holds ({@link EvictedSet}). */
    Ingester skipping(java.util.function.Predicate<dev.forge.core.model.ObjectId> held) {
        this.heldElsewhere = held;
        return this;
    }

    static int threads() {
        return Workers.defaultThreads();
    }

    /** Uses {@code n} threads instead of {@link #threads()} (tests). */
    Ingester withThreads(int n) {
        this.threads = Math.max(1, n);
        return this;
    }

    /**
     * Files that cannot be read (permission denied, say) get a null result and are listed by {@link
     * #skipped()} instead of failing the run with {@link WorkTree.UnreadablePathException}.
     */
    Ingester skipUnreadable() {
        this.skipped = new java.util.concurrent.ConcurrentLinkedQueue<>();
        return this;
    }

    /** The files {@link #skipUnreadable} left out, in path order. */
    List<SkippedPath> skipped() {
        List<SkippedPath> out = new ArrayList<>(skipped == null ? List.of() : skipped);
        out.sort((a, b) -> dev.forge.core.model.Tree.NAME_ORDER.compare(a.path(), b.path()));
        return out;
    }

    /** Reads small files through {@link LinuxDirs} from runs of {@code files} files (tests). */
    Ingester nativeReadFrom(int files) {
        this.nativeReadFrom = files;
        return this;
    }

    /**
     * Ingests every file; results in input order. Files that vanished meanwhile have a null result, and
     * so do unreadable ones with {@link #skipUnreadable}.
     */
    List<Result> run(List<WorkFile> files) {
        nativeRead = NATIVE_READ && files.size() >= nativeReadFrom && LinuxDirs.get() != null;
        // Each result goes to its file's place in the input (no map by path: 100,000 puts and gets).
        WorkFile[] in = files.toArray(new WorkFile[0]);
        int[] order = largestFirst(files);
        Result[] results = new Result[in.length];
        int threads = this.threads;
        int workers = Math.max(1, Math.min(threads, order.length));
        // Spare cores (fewer files than threads) chunk large files alongside their worker.
        int chunkThreads = threads / workers;
        boolean anyLarge = order.length > 0 && in[order[0]].size() > SMALL_FILE;
        ExecutorService helpers = chunkThreads > 1 && anyLarge
                ? Executors.newFixedThreadPool(
                        threads - workers,
                        Thread.ofPlatform().daemon().name("forge-chunk-", 0).factory())
                : null;
        try {
            Workers.run(
                    "forge-ingest",
                    threads,
                    order.length,
                    () -> new Worker(helpers != null ? chunkThreads : 1, helpers),
                    (w, i) -> results[order[i]] = w.ingest(in[order[i]]));
        } finally {
            if (helpers != null) helpers.shutdownNow();
        }
        return Arrays.asList(results);
    }

    /**
     * The indexes of {@code files}, largest file first (files of one size in input order). Sorted as
     * numbers (size and index packed into one long) where they fit, which is every tree of files below
     * 512 GiB each: sorting 100,000 objects through a comparator chain was a tenth of the main thread
     * of {@code forge add}.
     */
    static int[] largestFirst(List<WorkFile> files) {
        int n = files.size();
        int[] order = new int[n];
        long[] keys = new long[n];
        boolean packed = n < 1 << 24;
        for (int i = 0; i < n && packed; i++) {
            long size = files.get(i).size();
            packed = size >= 0 && size < 1L << 39;
            keys[i] = ((1L << 39) - 1 - size) << 24 | i;
        }
        if (packed) {
            Arrays.sort(keys);
            for (int i = 0; i < n; i++) order[i] = (int) (keys[i] & 0xFFFFFF);
            return order;
        }
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) boxed[i] = i;
        Arrays.sort(
                boxed,
                Comparator.comparingLong((Integer i) -> files.get(i).size()).reversed());
        for (int i = 0; i < n; i++) order[i] = boxed[i];
        return order;
    }

    /**
     * Stores every source's content (largest first, one worker per core); results in input order. A
     * source that fails to read fails the run.
     */
    List<ContentRef> runSources(List<? extends HistoryWriter.ContentSource> sources) {
        Integer[] order = new Integer[sources.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(
                order,
                Comparator.comparingLong((Integer i) -> sources.get(i).size()).reversed());
        ContentRef[] results = new ContentRef[sources.size()];
        Workers.run(
                "forge-ingest",
                threads,
                order.length,
                () -> new Worker(1, null),
                (w, i) -> results[order[i]] = w.ingest(sources.get(order[i])));
        return Arrays.asList(results);
    }

    private final class Worker implements Workers.State {
        private final ObjectSink sink = storeObjects
                ? new ObjectSink(store, config.compression(), config.chunking().maxSize()).skipping(heldElsewhere)
                : null;
        private final Blake3Hasher hasher = sink != null ? sink.hasher() : Blake3.newHasher();
        private final ChunkStream stream;
        private byte[] small = new byte[1 << 20];
        /** This thread's {@link LinuxDirs} buffers, made on first use; null where they are not available. */
        private LinuxDirs.Lister lister;

        private final List<ChunkList.ChunkRef> chunks = new ArrayList<>();
        private boolean incompressible;
        /** Chunks of the current file in a row that compression did not shrink; see {@link #chunk}. */
        private int misses;

        private int sinceProbe;

        /** @param chunkThreads threads for a large file's stage 1 (this one and helpers); 1 for none */
        Worker(int chunkThreads, ExecutorService helpers) {
            int bufferSize = Math.max(
                    chunkThreads > 1 ? ChunkStream.PARALLEL_BUFFER_SIZE : 8 << 20,
                    4 * config.chunking().maxSize());
            this.stream = new ChunkStream(chunker, bufferSize, chunkThreads, helpers);
        }

        Result ingest(WorkFile f) throws IOException {
            chunks.clear();
            misses = 0;
            sinceProbe = 0;
            try {
                if (f.kind() == FileKind.SYMLINK) {
                    byte[] target = Files.readSymbolicLink(f.file()).toString().getBytes(StandardCharsets.UTF_8);
                    incompressible = false;
                    chunk(target, 0, target.length);
                    ContentRef content = finish(target.length);
                    return new Result(f, content, true, kept());
                }
                if (f.size() <= SMALL_FILE) {
                    Result r = ingestNative(f);
                    if (r != null) return r;
                }
                long total;
                try (FileChannel ch = FileChannel.open(f.file(), StandardOpenOption.READ)) {
                    total = read(ch, ch.size());
                }
                WorkFile after = WorkTree.stat(f.path(), f.file());
                boolean stable = after != null
                        && after.size() == f.size()
                        && after.mtimeNanos() == f.mtimeNanos()
                        && total == f.size();
                ContentRef content = finish(total);
                return new Result(f, content, stable, kept());
            } catch (NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                SkippedPath s = SkippedPath.of(f.path(), e);
                if (skipped == null) throw new WorkTree.UnreadablePathException(s, e);
                skipped.add(s);
                return null;
            }
        }

        /**
         * A small regular file read through {@link LinuxDirs} (open, fstat, read into {@link #small},
         * fstat, close: no channel, attribute or cleaner objects, one copy of the bytes), or null when
         * that is not available or any call fails before its bytes are used: the NIO path then reads
         * the file and words the error. Stable when the descriptor's size, mtime and inode after the
         * read are those the scan saw and all of it was read.
         */
        private Result ingestNative(WorkFile f) {
            LinuxDirs.Lister l = lister();
            if (l == null) return null;
            java.nio.file.Path p = f.file();
            if (!FileNames.isExact(p)) return null;
            byte[] abs =
                    p.toString().getBytes(FileNames.UTF8_NAMES ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII);
            int fd = l.openFile(abs);
            if (fd < 0) return null;
            try {
                if (l.statFile(fd) != 0 || (l.mode() & LinuxDirs.S_IFMT) != LinuxDirs.S_IFREG) return null;
                long size = l.size();
                if (size > SMALL_FILE) return null;
                if (small.length < size) small = new byte[(int) Math.max(size, small.length * 2L)];
                int len = l.readFile(fd, small, 0, (int) size);
                if (len < 0 || l.statFile(fd) != 0) return null;
                boolean stable = len == f.size()
                        && l.size() == f.size()
                        && l.mtimeNanos() == f.mtimeNanos()
                        && l.inode() == f.inode();
                NATIVE_READS.increment();
                cutSmall(len);
                return new Result(f, finish(len), stable, kept());
            } finally {
                l.close(fd);
            }
        }

        private LinuxDirs.Lister lister() {
            if (lister == null && nativeRead) lister = LinuxDirs.get().new Lister(java.lang.foreign.Arena.ofAuto());
            return lister;
        }

        /** Cuts, hashes and stores what {@code ch} holds ({@code size} bytes expected); returns the bytes read. */
        private long read(java.nio.channels.ReadableByteChannel ch, long size) throws IOException {
            if (size <= SMALL_FILE) return readSmall(ch, (int) size);
            incompressible = false;
            boolean[] first = {true};
            return stream.forEach(ch, (buf, off, len) -> {
                if (first[0]) {
                    incompressible = MediaSniffer.isCompressedMedia(
                            Arrays.copyOfRange(buf, off, off + Math.min(len, 64)), Math.min(len, 64));
                    first[0] = false;
                }
                chunk(buf, off, len);
                progress.advance(len);
            });
        }

        /** The content of one {@link HistoryWriter.ContentSource}; fails when it is not the size it said. */
        ContentRef ingest(HistoryWriter.ContentSource source) throws IOException {
            chunks.clear();
            misses = 0;
            sinceProbe = 0;
            long total;
            try (java.nio.channels.ReadableByteChannel ch = source.open()) {
                total = read(ch, source.size());
            }
            if (total != source.size()) {
                throw new java.io.IOException(
                        source.describe() + ": read " + total + " bytes where " + source.size() + " were expected");
            }
            source.verify();
            return finish(total);
        }

        private long readSmall(java.nio.channels.ReadableByteChannel ch, int size) throws IOException {
            if (small.length < size) small = new byte[Math.max(size, small.length * 2)];
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(small, 0, size);
            while (bb.hasRemaining()) {
                if (ch.read(bb) < 0) break;
            }
            int len = bb.position();
            cutSmall(len);
            return len;
        }

        /** Cuts, hashes and stores {@code small[0, len)}, a whole file. */
        private void cutSmall(int len) {
            incompressible = MediaSniffer.isCompressedMedia(small, Math.min(len, 64));
            int off = 0;
            while (off < len) {
                int c = chunker.cut(small, off, len - off);
                chunk(small, off, c);
                off += c;
            }
            progress.advance(len);
        }

        private void chunk(byte[] buf, int off, int len) {
            ObjectId id = hasher.hash(buf, off, len);
            if (sink != null) {
                // After PROBE_MISSES chunks in a row that did not shrink, only every PROBE_EVERY-th chunk of
                // the file is tried: media without a known signature (raw frames, noise-like project
                // layers) then costs no codec time, and a file whose content turns compressible later
                // still gets compressed from the next probe on.
                boolean skip = incompressible || (misses >= PROBE_MISSES && ++sinceProbe % PROBE_EVERY != 0);
                Boolean shrank = sink.putChunk(id, buf, off, len, skip);
                if (shrank != null) misses = shrank ? 0 : misses + 1;
            }
            chunks.add(new ChunkList.ChunkRef(id, len));
        }

        private List<ChunkList.ChunkRef> kept() {
            return keepChunkLists ? List.copyOf(chunks) : List.of();
        }

        private ContentRef finish(long total) {
            if (chunks.isEmpty()) {
                // The empty file: one empty chunk, so every file has a content id of the same kind.
                chunk(new byte[0], 0, 0);
            }
            if (chunks.size() == 1)
                return new ContentRef(ObjectType.CHUNK, chunks.get(0).id(), total);
            byte[] enc = new ChunkList(chunks).encode();
            ObjectId id = sink != null
                    ? sink.putObject(ObjectType.LIST, enc)
                    : hasher.hash(ObjectType.LIST, enc, 0, enc.length);
            return new ContentRef(ObjectType.LIST, id, total);
        }

        @Override
        public void close() {
            if (sink != null) sink.close();
        }
    }
}
