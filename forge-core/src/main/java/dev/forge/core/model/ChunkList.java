package dev.forge.core.model;

import java.util.List;

/**
 * A file's ordered chunks. Encoding v1 (docs/format.md): u8 version=1, varint count, then count x
 * (32-byte chunk id, varint length).
 */
public record ChunkList(List<ChunkRef> chunks) {
    public static final int VERSION = 1;
    /** 16 TiB of 16 KiB chunks: a decoder refuses larger counts before allocating. */
    private static final int MAX_CHUNKS = 1 << 30;

    public record ChunkRef(ObjectId id, int length) {}

    public ChunkList {
        chunks = List.copyOf(chunks);
    }

    public long totalLength() {
        long n = 0;
        for (ChunkRef c : chunks) n += c.length();
        return n;
    }

    public byte[] encode() {
        BinaryWriter w = new BinaryWriter(8 + chunks.size() * 36);
        w.u8(VERSION).varint(chunks.size());
        for (ChunkRef c : chunks) w.id(c.id()).varint(c.length());
        return w.toByteArray();
    }

    public static ChunkList decode(byte[] bytes) throws MalformedObjectException {
        BinaryReader r = new BinaryReader(bytes);
        int v = r.u8();
        if (v != VERSION) throw new MalformedObjectException("unsupported chunk list version " + v);
        int n = r.count(Math.min(MAX_CHUNKS, bytes.length / 33));
        ChunkRef[] refs = new ChunkRef[n];
        for (int i = 0; i < n; i++) {
            ObjectId id = r.id();
            refs[i] = new ChunkRef(id, r.count(ObjectLimits.MAX_CHUNK));
        }
        r.expectEnd();
        return new ChunkList(List.of(refs));
    }
}
