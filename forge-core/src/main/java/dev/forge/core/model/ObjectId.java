package dev.forge.core.model;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The 32-byte BLAKE3-256 identity of a chunk or object. Immutable; compares by value; orders by
 * unsigned bytes so that sorted ids sort the same way as their hex form.
 */
public final class ObjectId implements Comparable<ObjectId> {
    public static final int LENGTH = 32;
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;
    private final int hash;

    private ObjectId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
    }

    /** Wraps a copy of {@code bytes[off, off+32)}. */
    public static ObjectId of(byte[] bytes, int off) {
        if (off < 0 || bytes.length - off < LENGTH) {
            throw new IllegalArgumentException("an object id needs 32 bytes, got " + (bytes.length - off));
        }
        return new ObjectId(Arrays.copyOfRange(bytes, off, off + LENGTH));
    }

    public static ObjectId of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("an object id is 32 bytes, got " + bytes.length);
        }
        return of(bytes, 0);
    }

    /** Parses 64 hex digits. */
    public static ObjectId parse(String hex) {
        if (hex.length() != LENGTH * 2) {
            throw new IllegalArgumentException("an object id is 64 hex digits, got '" + hex + "'");
        }
        return new ObjectId(HEX.parseHex(hex));
    }

    public static boolean isHex(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) return false;
        }
        return true;
    }

    /** A copy of the 32 bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    public void copyTo(byte[] dst, int off) {
        System.arraycopy(bytes, 0, dst, off, LENGTH);
    }

    public String hex() {
        return HEX.formatHex(bytes);
    }

    /** The first 12 hex digits, for people. */
    public String shortHex() {
        return hex().substring(0, 12);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(ObjectId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
