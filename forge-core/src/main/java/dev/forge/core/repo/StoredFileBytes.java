package dev.forge.core.repo;

import dev.forge.core.media.ByteSource;
import dev.forge.core.model.ChunkList;
import dev.forge.core.model.ObjectId;
import java.util.List;

/**
 * A stored file's bytes by offset: a read fetches (and verifies) only the chunks that cover it, and
 * keeps the last two, so a header parser that reads a few bytes at a time costs one chunk read per
 * chunk it touches.
 */
final class StoredFileBytes implements ByteSource {
    private final ObjectReader objects;
    private final List<ChunkList.ChunkRef> chunks;
    /** starts[i] = offset of chunk i; starts[n] = size. */
    private final long[] starts;

    private ObjectId cachedId;
    private byte[] cached;
    private ObjectId previousId;
    private byte[] previous;

    StoredFileBytes(ObjectReader objects, List<ChunkList.ChunkRef> chunks) {
        this.objects = objects;
        this.chunks = chunks;
        this.starts = new long[chunks.size() + 1];
        for (int i = 0; i < chunks.size(); i++)
            starts[i + 1] = starts[i] + chunks.get(i).length();
    }

    @Override
    public long size() {
        return starts[chunks.size()];
    }

    @Override
    public byte[] read(long offset, int length) {
        if (offset < 0 || length < 0) throw new IllegalArgumentException("bad read " + offset + "+" + length);
        long end = Math.min(size(), offset + length);
        if (offset >= end) return new byte[0];
        byte[] out = new byte[(int) (end - offset)];
        int i = chunkAt(offset);
        long pos = offset;
        while (pos < end) {
            byte[] c = chunk(i);
            int from = (int) (pos - starts[i]);
            int n = (int) Math.min(c.length - from, end - pos);
            System.arraycopy(c, from, out, (int) (pos - offset), n);
            pos += n;
            i++;
        }
        return out;
    }

    /** The index of the chunk that holds {@code offset} (which is below size()). */
    private int chunkAt(long offset) {
        int lo = 0;
        int hi = chunks.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= offset) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    private byte[] chunk(int i) {
        ChunkList.ChunkRef ref = chunks.get(i);
        if (ref.id().equals(cachedId)) return cached;
        if (ref.id().equals(previousId)) return previous;
        byte[] b = objects.chunk(ref);
        previousId = cachedId;
        previous = cached;
        cachedId = ref.id();
        cached = b;
        return b;
    }
}
