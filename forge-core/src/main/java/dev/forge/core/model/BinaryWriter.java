package dev.forge.core.model;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer for Forge's canonical object encodings (docs/format.md): LEB128 varints, big-endian fixed ints. */
public final class BinaryWriter {
    private byte[] buf;
    private int len;

    public BinaryWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    public BinaryWriter u8(int v) {
        ensure(1);
        buf[len++] = (byte) v;
        return this;
    }

    public BinaryWriter u32(int v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    public BinaryWriter u64(long v) {
        u32((int) (v >>> 32));
        return u32((int) v);
    }

    /** Unsigned LEB128. */
    public BinaryWriter varint(long v) {
        if (v < 0) throw new IllegalArgumentException("varint must be non-negative: " + v);
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
        return this;
    }

    public BinaryWriter bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    public BinaryWriter bytes(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    public BinaryWriter id(ObjectId id) {
        ensure(ObjectId.LENGTH);
        id.copyTo(buf, len);
        len += ObjectId.LENGTH;
        return this;
    }

    /** Length-prefixed UTF-8. */
    public BinaryWriter string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        varint(b.length);
        return bytes(b);
    }

    public int length() {
        return len;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }
}
