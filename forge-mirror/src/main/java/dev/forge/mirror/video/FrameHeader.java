package dev.forge.mirror.video;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The header every frame carries (docs/format.md, "Video frames"): 50 bytes, CRC32C-checked, protected by 18
 * bytes of Reed-Solomon parity and drawn in large one-bit cells, so that it reads even when the data cells
 * need the cross-frame code.
 */
public record FrameHeader(
        int bitsPerCell,
        int cellPx,
        int innerParity,
        int width,
        int height,
        long streamId,
        int frameIndex,
        int totalFrames,
        long payloadLength,
        int groups,
        int dataPerGroup,
        int parityPerGroup,
        int frameCrc) {
    public static final byte[] MAGIC = "FGVC".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 1;
    static final int RAW = 50;
    static final int PARITY = FrameLayout.HEADER_BYTES - RAW;
    private static final ReedSolomon RS = new ReedSolomon(PARITY);

    /** The 68 bytes drawn in the header strip. */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(FrameLayout.HEADER_BYTES);
        b.put(MAGIC)
                .put((byte) VERSION)
                .put((byte) bitsPerCell)
                .put((byte) cellPx)
                .put((byte) innerParity)
                .putShort((short) width)
                .putShort((short) height)
                .putLong(streamId)
                .putInt(frameIndex)
                .putInt(totalFrames)
                .putLong(payloadLength)
                .putShort((short) groups)
                .putShort((short) dataPerGroup)
                .putShort((short) parityPerGroup)
                .putInt(frameCrc);
        byte[] out = b.array();
        CRC32C crc = new CRC32C();
        crc.update(out, 0, RAW - 4);
        ByteBuffer.wrap(out, RAW - 4, 4).putInt((int) crc.getValue());
        RS.encode(out, 0, RAW, out, RAW);
        return out;
    }

    /**
     * Parses header bytes read from a frame, correcting up to 9 wrong bytes; null when they are not a
     * readable Forge video header of a known version.
     */
    public static FrameHeader decode(byte[] raw) {
        int[] cw = new int[raw.length];
        for (int i = 0; i < raw.length; i++) cw[i] = raw[i] & 0xff;
        if (RS.decode(cw, new int[0]) < 0) return null;
        byte[] h = new byte[RAW];
        for (int i = 0; i < RAW; i++) h[i] = (byte) cw[i];
        CRC32C crc = new CRC32C();
        crc.update(h, 0, RAW - 4);
        ByteBuffer b = ByteBuffer.wrap(h);
        if (b.getInt(RAW - 4) != (int) crc.getValue()) return null;
        for (int i = 0; i < 4; i++) if (b.get() != MAGIC[i]) return null;
        if (b.get() != VERSION) return null;
        return new FrameHeader(
                b.get() & 0xff,
                b.get() & 0xff,
                b.get() & 0xff,
                b.getShort() & 0xffff,
                b.getShort() & 0xffff,
                b.getLong(),
                b.getInt(),
                b.getInt(),
                b.getLong(),
                b.getShort() & 0xffff,
                b.getShort() & 0xffff,
                b.getShort() & 0xffff,
                b.getInt());
    }

    /** Whether {@code o} describes the same stream (everything but the frame index and frame checksum). */
    boolean sameStream(FrameHeader o) {
        return bitsPerCell == o.bitsPerCell
                && cellPx == o.cellPx
                && innerParity == o.innerParity
                && width == o.width
                && height == o.height
                && streamId == o.streamId
                && totalFrames == o.totalFrames
                && payloadLength == o.payloadLength
                && groups == o.groups
                && dataPerGroup == o.dataPerGroup
                && parityPerGroup == o.parityPerGroup;
    }
}
