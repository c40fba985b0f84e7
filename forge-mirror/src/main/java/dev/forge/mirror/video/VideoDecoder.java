package dev.forge.mirror.video;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.hash.Blake3;
import java.security.MessageDigest;
import java.util.zip.CRC32C;

/**
 * Reads frames in any order, any number of times, and gives back the payload only when every byte is
 * recovered and its BLAKE3 matches (docs/format.md, "Video frames"). Frames it cannot place (no finders,
 * unreadable header, another stream) are counted and skipped; a frame whose data fails the inner code or its
 * checksum is lost and left to the cross-frame code; the first good copy of a frame index wins.
 */
public final class VideoDecoder {
    /** What decoding found; {@code payload} is null unless it was fully recovered and verified. */
    public record Result(
            byte[] payload,
            int framesRead,
            int framesUnreadable,
            int framesDamaged,
            int framesDuplicate,
            int framesMissing,
            int framesRepaired,
            long symbolsCorrected,
            boolean blake3Matched,
            FrameHeader stream) {}

    /** Largest payload: the encoder holds it in memory, and a header cannot make a reader allocate more. */
    public static final long MAX_PAYLOAD = 256L << 20;

    private FrameHeader stream;
    private FrameLayout layout;
    private StreamPlan plan;
    private ReedSolomon inner;
    private byte[][] blocks;
    private int framesRead;
    private int unreadable;
    private int damaged;
    private int duplicate;
    private long corrected;

    /** Reads one decoded grey frame of {@code w x h} pixels. */
    public void accept(byte[] grey, int w, int h) {
        framesRead++;
        LocatedFrame located = LocatedFrame.locate(grey, w, h);
        if (located == null) {
            unreadable++;
            return;
        }
        FrameHeader header = FrameHeader.decode(FrameLayout.readHeader(located));
        if (header == null || !plausible(header)) {
            unreadable++;
            return;
        }
        if (stream == null) start(header);
        else if (!stream.sameStream(header)) {
            unreadable++;
            return;
        }
        int index = header.frameIndex();
        if (blocks[index] != null) {
            duplicate++;
            return;
        }
        int[] doubt = new int[layout.capacityBytes()];
        byte[] channel = layout.readData(located, doubt);
        byte[] block = new byte[plan.blockBytes()];
        int fixed = decodeChannel(channel, doubt, block);
        CRC32C crc = new CRC32C();
        crc.update(block);
        if (fixed < 0 || (int) crc.getValue() != header.frameCrc()) {
            damaged++;
            return;
        }
        corrected += fixed;
        blocks[index] = block;
    }

    private static boolean plausible(FrameHeader h) {
        if (h.payloadLength() < 0 || h.payloadLength() > MAX_PAYLOAD) return false;
        try {
            FrameLayout l = new FrameLayout(h.width(), h.height(), h.cellPx(), h.bitsPerCell());
            StreamPlan p = StreamPlan.of(l, h.innerParity(), h.payloadLength());
            return p.groups() == h.groups()
                    && p.dataPerGroup() == h.dataPerGroup()
                    && p.parityPerGroup() == h.parityPerGroup()
                    && p.totalFrames() == h.totalFrames()
                    && h.frameIndex() >= 0
                    && h.frameIndex() < h.totalFrames();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void start(FrameHeader h) {
        stream = h;
        layout = new FrameLayout(h.width(), h.height(), h.cellPx(), h.bitsPerCell());
        plan = StreamPlan.of(layout, h.innerParity(), h.payloadLength());
        inner = new ReedSolomon(h.innerParity());
        blocks = new byte[plan.totalFrames()][];
    }

    /**
     * Corrects each interleaved codeword; the corrected symbol count, or -1 when one is beyond repair. A
     * codeword is first decoded with its most doubtful bytes as erasures (an erasure costs half an error),
     * then, if that fails, with none.
     */
    private int decodeChannel(byte[] channel, int[] doubt, byte[] block) {
        int m = plan.codewords();
        int n = plan.codewordLength();
        int k = n - plan.innerParity();
        int[] cw = new int[n];
        int[] none = new int[0];
        int total = 0;
        for (int c = 0; c < m; c++) {
            for (int i = 0; i < n; i++) cw[i] = channel[i * m + c] & 0xff;
            int r = inner.decode(cw, erasures(doubt, c, m, n));
            if (r < 0) r = inner.decode(cw, none);
            if (r < 0) return -1;
            total += r;
            for (int i = 0; i < k; i++) block[i * m + c] = (byte) cw[i];
        }
        return total;
    }

    /** Doubt (hundredths of a level step) above which a byte may be erased. */
    static final int ERASE_DOUBT = 30;

    /** The positions of codeword c whose doubt exceeds ERASE_DOUBT, most doubtful first, at most 3/4 of the parity. */
    private int[] erasures(int[] doubt, int c, int m, int n) {
        int max = plan.innerParity() * 3 / 4;
        int count = 0;
        for (int i = 0; i < n; i++) if (doubt[i * m + c] > ERASE_DOUBT) count++;
        if (count == 0) return new int[0];
        Integer[] pos = new Integer[count];
        int j = 0;
        for (int i = 0; i < n; i++) if (doubt[i * m + c] > ERASE_DOUBT) pos[j++] = i;
        java.util.Arrays.sort(pos, (a, b) -> Integer.compare(doubt[b * m + c], doubt[a * m + c]));
        int[] out = new int[Math.min(max, count)];
        for (int i = 0; i < out.length; i++) out[i] = pos[i];
        return out;
    }

    /**
     * The verified payload and the counts.
     *
     * @throws IntegrityException when no frame could be read, a group lost more frames than its parity
     *     rebuilds, or the rebuilt payload's BLAKE3 does not match
     */
    public Result finish() {
        if (stream == null)
            throw new IntegrityException("no readable Forge video frame among " + framesRead + " frames");
        int groups = plan.groups();
        int d = plan.dataPerGroup();
        int p = plan.parityPerGroup();
        int missing = 0;
        for (byte[] b : blocks) if (b == null) missing++;
        int repaired = 0;
        byte[][][] byGroup = new byte[groups][d + p][];
        for (int f = 0; f < blocks.length; f++) byGroup[f % groups][f / groups] = blocks[f];
        CauchyCode code = new CauchyCode(d, p);
        for (int g = 0; g < groups; g++) {
            int r = code.reconstruct(byGroup[g], plan.blockBytes());
            if (r < 0) {
                int lost = 0;
                for (byte[] b : byGroup[g]) if (b == null) lost++;
                throw new IntegrityException("cannot recover the payload: frame group " + g + " lost " + lost + " of "
                        + (d + p) + " frames and " + p + " can be rebuilt (" + framesRead + " frames read, "
                        + unreadable + " unreadable, " + damaged + " damaged)");
            }
            repaired += r;
        }
        long len = stream.payloadLength();
        if (len > Integer.MAX_VALUE - 64) throw new IntegrityException("payload length " + len + " is too large");
        byte[] payload = new byte[(int) len];
        byte[] hash = new byte[StreamPlan.HASH_BYTES];
        int blockBytes = plan.blockBytes();
        long pos = 0;
        long end = StreamPlan.HASH_BYTES + len;
        for (int g = 0; g < groups && pos < end; g++)
            for (int j = 0; j < d && pos < end; j++) {
                byte[] block = byGroup[g][j];
                for (int k = 0; k < blockBytes && pos < end; k++, pos++) {
                    if (pos < StreamPlan.HASH_BYTES) hash[(int) pos] = block[k];
                    else payload[(int) (pos - StreamPlan.HASH_BYTES)] = block[k];
                }
            }
        byte[] actual = Blake3.newHasher().hash(payload, 0, payload.length).toBytes();
        if (!MessageDigest.isEqual(actual, hash))
            throw new IntegrityException("the decoded payload's BLAKE3 does not match the one the video carries");
        return new Result(
                payload, framesRead, unreadable, damaged, duplicate, missing, repaired, corrected, true, stream);
    }
}
