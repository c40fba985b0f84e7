package dev.forge.core.model;

import java.nio.charset.StandardCharsets;

/**
 * Reads Forge's canonical encodings. Every malformed input (truncation, overlong varint, bad UTF-8
 * length) raises {@link MalformedObjectException}; it never reads past the end.
 */
public final class BinaryReader {
    private final byte[] buf;
    private int pos;
    private final int end;

    public BinaryReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public BinaryReader(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
    }

    private void need(int n) throws MalformedObjectException {
        if (n < 0 || end - pos < n) {
            throw new MalformedObjectException("truncated: needs " + n + " more bytes at offset " + pos);
        }
    }

    public int u8() throws MalformedObjectException {
        need(1);
        return buf[pos++] & 0xFF;
    }

    public int u32() throws MalformedObjectException {
        need(4);
        int v = (buf[pos] & 0xFF) << 24
                | (buf[pos + 1] & 0xFF) << 16
                | (buf[pos + 2] & 0xFF) << 8
                | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    public long u64() throws MalformedObjectException {
        long hi = u32() & 0xFFFFFFFFL;
        long lo = u32() & 0xFFFFFFFFL;
        return hi << 32 | lo;
    }

    public long varint() throws MalformedObjectException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = u8();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (v < 0) throw new MalformedObjectException("varint out of range");
                return v;
            }
        }
        throw new MalformedObjectException("varint longer than 9 bytes");
    }

    /** A varint that must fit an int and not exceed {@code max}. */
    public int count(int max) throws MalformedObjectException {
        long v = varint();
        if (v > max) throw new MalformedObjectException("count " + v + " exceeds limit " + max);
        return (int) v;
    }

    public ObjectId id() throws MalformedObjectException {
        need(ObjectId.LENGTH);
        ObjectId id = ObjectId.of(buf, pos);
        pos += ObjectId.LENGTH;
        return id;
    }

    public byte[] bytes(int n) throws MalformedObjectException {
        need(n);
        byte[] b = new byte[n];
        System.arraycopy(buf, pos, b, 0, n);
        pos += n;
        return b;
    }

    public String string() throws MalformedObjectException {
        int n = count(end - pos);
        need(n);
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    public boolean atEnd() {
        return pos == end;
    }

    public void expectEnd() throws MalformedObjectException {
        if (pos != end) throw new MalformedObjectException((end - pos) + " trailing bytes");
    }
}
