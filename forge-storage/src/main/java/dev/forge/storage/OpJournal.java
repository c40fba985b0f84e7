package dev.forge.storage;

import dev.forge.core.model.BinaryReader;
import dev.forge.core.model.BinaryWriter;
import dev.forge.core.model.MalformedObjectException;
import dev.forge.core.model.ObjectId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * {@code .forge/journal}: an append-only copy of the operation log beside the index, so that what
 * only the index holds (refs, HEAD, remotes, the stage, the op log) survives the loss of the index
 * ({@link IndexRebuild}; docs/format.md, "Journal"). It is written after the index batch it mirrors
 * is durable, one fdatasync per logged operation, and it is only ever read by a rebuild.
 *
 * <p>Each append first looks at the journal's last record: a torn tail (a writer killed mid-append)
 * is cut off, and when the journal does not end with the operation just before this one (it is new,
 * or an append failed), the missing op-log entries are copied from the index and a checkpoint of the
 * whole state is written, so a replay of the journal always ends in the state the index has. The
 * index stays the source of truth: an append that fails (no space, read-only) changes nothing a
 * command reports, and the next append repairs the gap.
 */
final class OpJournal {
    static final String FILE = "journal";
    static final byte[] MAGIC = "FRGJRNL\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER_SIZE = 16;
    /** Record framing around the body: u32 length before it, u32 CRC32C and u32 length after it. */
    static final int FRAME = 12;
    /** u8 kind + u64 sequence number. */
    static final int BODY_MIN = 9;
    /** No single record is larger (a checkpoint of a hundred thousand refs is about 10 MiB). */
    static final int BODY_MAX = 64 << 20;

    static final int OPERATION = 1;
    static final int CHECKPOINT = 2;

    /** One record: an op-log entry (its value in the {@code oplog} family) or a checkpoint. */
    record Entry(int kind, long seq, byte[] payload) {}

    /** The state a checkpoint records: HEAD as stored, refs, remotes, and the stage's tree if known. */
    record Checkpoint(
            String head, SortedMap<String, ObjectId> refs, SortedMap<String, String> remotes, ObjectId stageTree) {}

    /** What the journal needs from the index when it has to catch up. */
    interface Source {
        /** Op-log values with sequence numbers in [from, to), in order. */
        SortedMap<Long, byte[]> operations(long from, long to);

        Checkpoint checkpoint();
    }

    /** Every intact record, and where and why reading stopped if it stopped early. */
    record Contents(List<Entry> entries, long validLength, String problem) {}

    private final Path file;

    OpJournal(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /**
     * Appends op-log entry {@code seq} (its encoded value), catching up first if needed. Returns false
     * when the journal could not be written; the caller's change is durable in the index either way.
     */
    synchronized boolean append(long seq, byte[] op, Source source) {
        try (FileChannel ch =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long last = -1;
            boolean fresh = size < HEADER_SIZE || !headerOk(ch);
            if (fresh) {
                ch.truncate(0);
                write(ch, 0, header());
                size = HEADER_SIZE;
            } else {
                long[] tail = lastRecord(ch, size);
                if (tail == null) {
                    Contents c = scan(ch, size);
                    size = c.validLength();
                    ch.truncate(size);
                    last = c.entries().isEmpty() ? -1 : c.entries().getLast().seq();
                } else {
                    last = tail[0];
                }
            }
            long start = size;
            try {
                ByteBuffer out = ByteBuffer.allocate(0);
                if (last < 0) {
                    // New: keep the index's history, then the whole state.
                    for (Map.Entry<Long, byte[]> e : source.operations(0, seq).entrySet())
                        out = add(out, OPERATION, e.getKey(), e.getValue());
                    out = add(out, CHECKPOINT, seq, encodeCheckpoint(source.checkpoint()));
                } else if (last >= seq) {
                    // Out of step (the index was rebuilt from an older state): the whole state again.
                    out = add(out, CHECKPOINT, seq, encodeCheckpoint(source.checkpoint()));
                } else if (last < seq - 1) {
                    SortedMap<Long, byte[]> missing = source.operations(last + 1, seq);
                    for (Map.Entry<Long, byte[]> e : missing.entrySet())
                        out = add(out, OPERATION, e.getKey(), e.getValue());
                    if (missing.size() != seq - 1 - last)
                        out = add(out, CHECKPOINT, seq, encodeCheckpoint(source.checkpoint()));
                }
                out = add(out, OPERATION, seq, op);
                out.flip();
                write(ch, start, out);
                ch.force(false);
                if (fresh) FileSync.directory(file.getParent());
                return true;
            } catch (IOException | RuntimeException e) {
                try {
                    ch.truncate(start); // keep the file well-formed; the next append fills the gap
                } catch (IOException ignored) {
                    // a torn tail is cut off by the next append
                }
                return false;
            }
        } catch (IOException e) {
            return false;
        }
    }

    private static ByteBuffer header() {
        ByteBuffer h = ByteBuffer.allocate(HEADER_SIZE);
        h.put(MAGIC).putInt(VERSION).putInt(0).flip();
        return h;
    }

    private static boolean headerOk(FileChannel ch) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER_SIZE);
        read(ch, 0, h);
        return Arrays.equals(h.array(), 0, 8, MAGIC, 0, 8) && h.getInt(8) == VERSION;
    }

    /** {sequence number} of the last record when it is intact, else null. */
    private static long[] lastRecord(FileChannel ch, long size) throws IOException {
        if (size == HEADER_SIZE) return new long[] {-1};
        if (size < HEADER_SIZE + FRAME + BODY_MIN) return null;
        ByteBuffer t = ByteBuffer.allocate(4);
        read(ch, size - 4, t);
        int n = t.getInt(0);
        if (n < BODY_MIN || n > BODY_MAX || n > size - HEADER_SIZE - FRAME) return null;
        ByteBuffer rec = ByteBuffer.allocate(n + FRAME);
        read(ch, size - FRAME - n, rec);
        Entry e = parse(rec.array(), 0, rec.capacity());
        return e == null ? null : new long[] {e.seq()};
    }

    /** The record framed at {@code off} in {@code b}, or null when it is not intact. */
    private static Entry parse(byte[] b, int off, int len) {
        if (len < FRAME + BODY_MIN) return null;
        int n = PackFormat.getInt(b, off);
        if (n < BODY_MIN || n > BODY_MAX || n + FRAME > len) return null;
        CRC32C crc = new CRC32C();
        crc.update(b, off + 4, n);
        if ((int) crc.getValue() != PackFormat.getInt(b, off + 4 + n)) return null;
        if (PackFormat.getInt(b, off + 8 + n) != n) return null;
        int kind = b[off + 4] & 0xFF;
        if (kind != OPERATION && kind != CHECKPOINT) return null;
        return new Entry(kind, PackFormat.getLong(b, off + 5), Arrays.copyOfRange(b, off + 4 + BODY_MIN, off + 4 + n));
    }

    private static ByteBuffer add(ByteBuffer out, int kind, long seq, byte[] payload) {
        int n = BODY_MIN + payload.length;
        if (n > BODY_MAX) throw new IllegalArgumentException("journal record of " + n + " bytes");
        if (out.remaining() < n + FRAME) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + n + FRAME));
            out.flip();
            bigger.put(out);
            out = bigger;
        }
        int start = out.position();
        out.putInt(n).put((byte) kind).putLong(seq).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), start + 4, n);
        out.putInt((int) crc.getValue()).putInt(n);
        return out;
    }

    /** Reads every intact record from the start; stops at the first one that is not. */
    static Contents read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER_SIZE || !headerOk(ch)) {
                return new Contents(List.of(), 0, file + " has no valid journal header");
            }
            return scan(ch, size);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static Contents scan(FileChannel ch, long size) throws IOException {
        List<Entry> entries = new ArrayList<>();
        long pos = HEADER_SIZE;
        ByteBuffer len = ByteBuffer.allocate(4);
        while (pos < size) {
            if (size - pos < FRAME + BODY_MIN) return new Contents(entries, pos, "a torn record at offset " + pos);
            len.clear();
            read(ch, pos, len);
            int n = len.getInt(0);
            if (n < BODY_MIN || n > BODY_MAX || n + FRAME > size - pos) {
                return new Contents(entries, pos, "a damaged or torn record at offset " + pos);
            }
            ByteBuffer rec = ByteBuffer.allocate(n + FRAME);
            read(ch, pos, rec);
            Entry e = parse(rec.array(), 0, rec.capacity());
            if (e == null) return new Contents(entries, pos, "a damaged record at offset " + pos);
            entries.add(e);
            pos += n + FRAME;
        }
        return new Contents(entries, pos, null);
    }

    private static void read(FileChannel ch, long pos, ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) throw new java.io.EOFException();
            pos += n;
        }
    }

    private static void write(FileChannel ch, long pos, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) pos += ch.write(src, pos);
    }

    static byte[] encodeCheckpoint(Checkpoint c) {
        BinaryWriter w = new BinaryWriter(256)
                .u8(VERSION)
                .string(c.head())
                .varint(c.refs().size());
        for (Map.Entry<String, ObjectId> r : c.refs().entrySet())
            w.string(r.getKey()).id(r.getValue());
        w.varint(c.remotes().size());
        for (Map.Entry<String, String> r : c.remotes().entrySet())
            w.string(r.getKey()).string(r.getValue());
        if (c.stageTree() == null) w.u8(0);
        else w.u8(1).id(c.stageTree());
        return w.toByteArray();
    }

    static Checkpoint decodeCheckpoint(byte[] v) throws MalformedObjectException {
        BinaryReader r = new BinaryReader(v);
        int version = r.u8();
        if (version != VERSION) throw new MalformedObjectException("unsupported checkpoint version " + version);
        String head = r.string();
        SortedMap<String, ObjectId> refs = new TreeMap<>();
        int n = r.count(v.length);
        for (int i = 0; i < n; i++) refs.put(r.string(), r.id());
        SortedMap<String, String> remotes = new TreeMap<>();
        int m = r.count(v.length);
        for (int i = 0; i < m; i++) remotes.put(r.string(), r.string());
        ObjectId stage = r.u8() == 0 ? null : r.id();
        r.expectEnd();
        return new Checkpoint(head, refs, remotes, stage);
    }
}
