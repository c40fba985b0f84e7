package dev.forge.mirror;

import dev.forge.core.model.ObjectId;
import dev.forge.mirror.format.PackIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which objects a remote holds and where: the union of its pack indexes, as an open-addressed hash
 * table over the indexes' own bytes (16 bytes of table per object, no object per entry), so that
 * "does the remote have this chunk?" is answered locally in one or two probes, with no request.
 * Ids are BLAKE3 outputs, uniformly distributed, so their first 8 bytes are the hash. Objects in
 * several packs resolve to the first pack added. Not thread-safe for {@link #add}; lookups may run
 * concurrently once it is built.
 */
final class RemoteIndex {
    /** Where an object lies: a pack and the object's entry in that pack's index. */
    record Location(String packId, PackIndex.Entry entry) {}

    private final List<PackIndex> packs = new ArrayList<>();
    private long[] table = new long[1024];
    private int size;

    void add(PackIndex idx) {
        int ord = packs.size();
        packs.add(idx);
        if ((size + idx.size()) * 2L > table.length) grow(size + idx.size());
        for (int i = 0; i < idx.size(); i++) insert(ord, i);
    }

    List<PackIndex> packs() {
        return packs;
    }

    int size() {
        return size;
    }

    private void grow(long needed) {
        int cap = table.length;
        while (cap < needed * 2) cap <<= 1;
        long[] old = table;
        table = new long[cap];
        for (long v : old) {
            if (v != 0) place(v);
        }
    }

    private static long hash(byte[] b, int off) {
        long h = 0;
        for (int i = 0; i < 8; i++) h = h << 8 | (b[off + i] & 0xFF);
        return h;
    }

    private void insert(int ord, int entry) {
        byte[] b = packs.get(ord).bytesForIndex();
        int off = PackIndex.offsetOf(entry);
        if (find(b, off) >= 0) return;
        place(((long) ord << 32 | entry) + 1);
        size++;
    }

    private void place(long value) {
        long v = value - 1;
        byte[] b = packs.get((int) (v >>> 32)).bytesForIndex();
        int mask = table.length - 1;
        int slot = (int) hash(b, PackIndex.offsetOf((int) v)) & mask;
        while (table[slot] != 0) slot = (slot + 1) & mask;
        table[slot] = value;
    }

    /** The table slot value (-1 when absent) for the id at {@code key[off..off+32)}. */
    private long find(byte[] key, int off) {
        int mask = table.length - 1;
        int slot = (int) hash(key, off) & mask;
        while (true) {
            long value = table[slot];
            if (value == 0) return -1;
            long v = value - 1;
            byte[] b = packs.get((int) (v >>> 32)).bytesForIndex();
            int eo = PackIndex.offsetOf((int) v);
            if (Arrays.equals(b, eo, eo + ObjectId.LENGTH, key, off, off + ObjectId.LENGTH)) return v;
            slot = (slot + 1) & mask;
        }
    }

    boolean contains(ObjectId id) {
        return find(id.toBytes(), 0) >= 0;
    }

    Optional<Location> locate(ObjectId id) {
        long v = find(id.toBytes(), 0);
        if (v < 0) return Optional.empty();
        PackIndex p = packs.get((int) (v >>> 32));
        return Optional.of(new Location(p.packId(), p.entry((int) v)));
    }
}
