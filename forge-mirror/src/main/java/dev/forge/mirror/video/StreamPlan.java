package dev.forge.mirror.video;

/**
 * How a payload is cut into frames: the inner code within a frame and the cross-frame groups.
 *
 * <p>A frame's data cells carry {@code capacity} bytes: {@code codewords} Reed-Solomon codewords of
 * {@code codewordLength} bytes ({@code innerParity} of them parity), interleaved byte by byte so that a
 * damaged patch of the picture spreads over many codewords; the rest of the cells are zero. The data bytes
 * of a frame form its block of {@link #blockBytes()}. The stream (32-byte BLAKE3 of the payload, then the
 * payload, zero-padded) is cut into {@code groups * dataPerGroup} blocks; each group adds
 * {@code parityPerGroup} parity blocks ({@link CauchyCode}); video frame {@code f} holds block
 * {@code f / groups} of group {@code f % groups}, so a burst of lost frames is spread over the groups.
 */
public record StreamPlan(
        FrameLayout layout,
        int innerParity,
        int codewords,
        int codewordLength,
        long payloadLength,
        int groups,
        int dataPerGroup,
        int parityPerGroup) {
    /** Largest data frames per group: with 25% parity a group stays within GF(256)'s 256 shards. */
    static final int MAX_DATA_PER_GROUP = 160;

    public static final int HASH_BYTES = 32;

    public static StreamPlan of(FrameLayout layout, int innerParity, long payloadLength) {
        int c = layout.capacityBytes();
        int codewords = Math.max(1, c / 255);
        int n = Math.min(255, c);
        if (n - innerParity < 16) throw new IllegalArgumentException("frame too small for " + innerParity + " parity");
        long block = (long) codewords * (n - innerParity);
        long streamBytes = HASH_BYTES + payloadLength;
        long blocks = Math.max(1, (streamBytes + block - 1) / block);
        long groups = (blocks + MAX_DATA_PER_GROUP - 1) / MAX_DATA_PER_GROUP;
        if (groups > 65535) throw new IllegalArgumentException("payload too large for one video");
        int data = (int) ((blocks + groups - 1) / groups);
        int parity = Math.max(2, (data + 3) / 4);
        return new StreamPlan(layout, innerParity, codewords, n, payloadLength, (int) groups, data, parity);
    }

    public int blockBytes() {
        return codewords * (codewordLength - innerParity);
    }

    public int totalFrames() {
        return groups * (dataPerGroup + parityPerGroup);
    }

    public int framesPerGroup() {
        return dataPerGroup + parityPerGroup;
    }
}
