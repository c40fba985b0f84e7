package dev.forge.core.media;

/** {@code length} bytes of a file starting at {@code offset}. */
public record ByteRange(long offset, long length) {
    public ByteRange {
        if (offset < 0 || length < 0) throw new IllegalArgumentException("bad byte range " + offset + "+" + length);
    }

    public long end() {
        return offset + length;
    }
}
