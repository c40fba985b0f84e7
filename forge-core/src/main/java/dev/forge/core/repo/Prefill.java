package dev.forge.core.repo;

import dev.forge.core.model.ChunkList;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.StageEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Predicate;

/**
 * The files of a clone's checkout, written while their chunks arrive. A clone fetches every chunk
 * (each record verified: CRC, header, BLAKE3 of the decoded bytes) and then checks out; without this,
 * the checkout reads every chunk back from the packs the fetch has just written, decodes and verifies
 * it a second time and writes it out: half a clone's time (docs/benchmarks.md, "Clone writes files
 * as the chunks arrive"). With it, each verified chunk is also written at its places in temporary
 * files ({@code .forge/tmp/wt-*.part}, as any checkout's), and the checkout takes each file that was
 * filled whole instead of writing it ({@link WorkTreeUpdate}); it writes the others (chunks that were
 * here already, a file that could not be written) as it always does.
 *
 * <p>The files are work-tree files in the making, not the store: the store still receives every
 * object, and nothing here is published except by the checkout's own steps (its journal, renames and
 * rollback). A file is taken only when every place in it was written exactly once with a chunk of
 * the length its list gives; one that failed to write or was not filled is deleted by {@link #close}.
 *
 * <p>The plan holds about 17 bytes per chunk place (file, offset, length, done) and a map entry per
 * chunk, so it is made only up to {@link
 * #MAX_PLACES} places (about 60 GiB of files at the default chunk size); a larger checkout is written
 * the usual way.
 */
public final class Prefill implements AutoCloseable {
    static final int MAX_PLACES = 1 << 20;
    /** Channels kept open between writes; above this a file is closed after each write. */
    private static final int MAX_OPEN = 256;

    private final TempFiles temp;
    private final Path root;
    private final List<Slot> slots = new ArrayList<>();
    private final Map<String, Slot> byPath = new HashMap<>();
    /** Each chunk's places: indexes into {@link #placeFile} and {@link #placeOffset}. */
    private final Map<ObjectId, int[]> places = new HashMap<>();

    private int[] placeFile = new int[1024];
    private long[] placeOffset = new long[1024];
    private int[] placeLength = new int[1024];
    private boolean[] placeDone = new boolean[1024];
    private int placeCount;
    private int open;
    private int taken;

    /** One file being filled: guarded by itself. */
    private static final class Slot {
        final StageEntry entry;
        Path file;
        FileChannel channel;
        long missing;
        boolean failed;
        boolean taken;

        Slot(StageEntry entry) {
            this.entry = entry;
            this.missing = entry.content().size();
        }
    }

    private Prefill(Repository repo) {
        this.temp = TempFiles.in(repo.forgeDir());
        this.root = repo.workTree().root();
    }

    /**
     * The plan for checking out {@code commit} (the files {@code paths} accepts), whose trees and chunk
     * lists are stored here; null when it has nothing to fill, is larger than {@link #MAX_PLACES}, or
     * cannot be read (the checkout then finds and reports what is wrong).
     */
    public static Prefill plan(Repository repo, ObjectId commit, Predicate<String> paths) {
        try {
            return planOf(
                    repo,
                    Trees.flatten(repo.objects, repo.objects.commit(commit).tree()),
                    paths);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Prefill planOf(Repository repo, SortedMap<String, StageEntry> files, Predicate<String> paths) {
        Prefill p = new Prefill(repo);
        for (StageEntry e : files.values()) {
            if (e.kind() == FileKind.SYMLINK || e.content().size() == 0 || !paths.test(e.path())) continue;
            List<ChunkList.ChunkRef> chunks = repo.objects.chunks(e.content());
            if (p.placeCount + chunks.size() > MAX_PLACES) return null;
            Slot s = new Slot(e);
            int file = p.slots.size();
            p.slots.add(s);
            p.byPath.put(e.path(), s);
            long offset = 0;
            for (ChunkList.ChunkRef c : chunks) {
                p.add(c.id(), file, offset, c.length());
                offset += c.length();
            }
            if (offset != e.content().size()) s.failed = true; // a list that does not add up: the checkout says so
        }
        return p.placeCount == 0 ? null : p;
    }

    private void add(ObjectId chunk, int file, long offset, int length) {
        if (placeCount == placeFile.length) {
            int n = placeCount * 2;
            placeFile = java.util.Arrays.copyOf(placeFile, n);
            placeOffset = java.util.Arrays.copyOf(placeOffset, n);
            placeLength = java.util.Arrays.copyOf(placeLength, n);
            placeDone = java.util.Arrays.copyOf(placeDone, n);
        }
        int i = placeCount++;
        placeFile[i] = file;
        placeOffset[i] = offset;
        placeLength[i] = length;
        int[] old = places.get(chunk);
        if (old == null) {
            places.put(chunk, new int[] {i});
        } else {
            int[] more = java.util.Arrays.copyOf(old, old.length + 1);
            more[old.length] = i;
            places.put(chunk, more);
        }
    }

    /** How many files the checkout took whole from this plan. */
    public synchronized int taken() {
        return taken;
    }

    /** Whether {@code id} has a place in a file of this plan. */
    public boolean wants(ObjectId id) {
        return places.containsKey(id);
    }

    /**
     * A chunk that arrived and verified: written at each of its places. Called from many threads; a
     * file that cannot be written is left to the checkout, the fetch goes on.
     */
    public void chunk(ObjectId id, byte[] bytes, int off, int len) {
        int[] at = places.get(id);
        if (at == null) return;
        for (int i : at) {
            Slot s = slots.get(placeFile[i]);
            synchronized (s) {
                if (s.failed || s.taken || placeDone[i]) continue;
                if (placeLength[i] != len) {
                    s.failed = true;
                    closeQuietly(s);
                    continue;
                }
                try {
                    FileChannel ch = channel(s);
                    ByteBuffer b = ByteBuffer.wrap(bytes, off, len);
                    long pos = placeOffset[i];
                    while (b.hasRemaining()) pos += ch.write(b, pos);
                    placeDone[i] = true;
                    s.missing -= len;
                    if (s.missing == 0 || tooManyOpen()) closeQuietly(s);
                } catch (IOException | RuntimeException e) {
                    s.failed = true;
                    closeQuietly(s);
                }
            }
        }
    }

    private FileChannel channel(Slot s) throws IOException {
        if (s.channel != null) return s.channel;
        if (s.file == null) s.file = temp.create(root);
        s.channel = FileChannel.open(s.file, StandardOpenOption.WRITE);
        synchronized (this) {
            open++;
        }
        return s.channel;
    }

    private synchronized boolean tooManyOpen() {
        return open > MAX_OPEN;
    }

    private void closeQuietly(Slot s) {
        if (s.channel == null) return;
        try {
            s.channel.close();
        } catch (IOException e) {
            s.failed = true;
        }
        s.channel = null;
        synchronized (this) {
            open--;
        }
    }

    /**
     * The whole file for {@code e} (same path, kind and content), with {@code e}'s permissions, for the
     * caller to own from now on; null when this plan did not fill it.
     */
    Path take(StageEntry e) throws IOException {
        Slot s = byPath.get(e.path());
        if (s == null) return null;
        synchronized (s) {
            if (s.taken || s.failed || s.missing != 0 || !s.entry.equals(e)) return null;
            closeQuietly(s);
            if (s.failed) return null;
            ContentWriter.setPermissions(s.file, e.kind());
            s.taken = true;
            synchronized (this) {
                taken++;
            }
            return s.file;
        }
    }

    /** Deletes every file the checkout did not take. */
    @Override
    public void close() {
        for (Slot s : slots) {
            synchronized (s) {
                closeQuietly(s);
                if (!s.taken && s.file != null) {
                    try {
                        Files.deleteIfExists(s.file);
                    } catch (IOException ignored) {
                        // a temporary file: swept when the repository is next opened
                    }
                }
                s.taken = true;
            }
        }
    }
}
