package dev.forge.mirror.video;

import dev.forge.core.hash.Blake3;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** Turns a payload into grey frames (docs/format.md, "Video frames"). */
public final class VideoEncoder {
    /** Receives the frames in order. */
    @FunctionalInterface
    public interface FrameSink {
        void frame(byte[] grey) throws IOException;
    }

    private VideoEncoder() {}

    /** Encodes {@code payload} into plan.totalFrames() frames, each width * height grey bytes. */
    public static void encode(byte[] payload, StreamPlan plan, FrameSink sink) throws IOException {
        FrameLayout layout = plan.layout();
        byte[] hash = Blake3.newHasher().hash(payload, 0, payload.length).toBytes();
        long streamId = ByteBuffer.wrap(hash).getLong();
        int blockBytes = plan.blockBytes();
        int groups = plan.groups();
        int d = plan.dataPerGroup();
        int p = plan.parityPerGroup();
        byte[][][] shards = new byte[groups][d + p][blockBytes];
        long pos = 0;
        for (int g = 0; g < groups; g++) {
            for (int j = 0; j < d; j++) {
                byte[] block = shards[g][j];
                for (int k = 0; k < blockBytes; k++, pos++) {
                    if (pos < StreamPlan.HASH_BYTES) block[k] = hash[(int) pos];
                    else if (pos - StreamPlan.HASH_BYTES < payload.length)
                        block[k] = payload[(int) (pos - StreamPlan.HASH_BYTES)];
                }
            }
            byte[][] parity = new byte[p][];
            System.arraycopy(shards[g], d, parity, 0, p);
            new CauchyCode(d, p).encode(shards[g], parity);
        }
        ReedSolomon inner = new ReedSolomon(plan.innerParity());
        int total = plan.totalFrames();
        for (int f = 0; f < total; f++) {
            byte[] block = shards[f % groups][f / groups];
            CRC32C crc = new CRC32C();
            crc.update(block);
            FrameHeader header = new FrameHeader(
                    layout.bitsPerCell(),
                    layout.cellPx(),
                    plan.innerParity(),
                    layout.width(),
                    layout.height(),
                    streamId,
                    f,
                    total,
                    payload.length,
                    groups,
                    d,
                    p,
                    (int) crc.getValue());
            sink.frame(layout.render(header.encode(), channelBytes(plan, block, inner)));
        }
    }

    /** A block with its interleaved inner parity: channel byte pos * m + c is byte pos of codeword c. */
    static byte[] channelBytes(StreamPlan plan, byte[] block, ReedSolomon inner) {
        int m = plan.codewords();
        int n = plan.codewordLength();
        int k = n - plan.innerParity();
        byte[] out = new byte[plan.layout().capacityBytes()];
        System.arraycopy(block, 0, out, 0, block.length);
        byte[] data = new byte[k];
        byte[] parity = new byte[plan.innerParity()];
        for (int c = 0; c < m; c++) {
            for (int i = 0; i < k; i++) data[i] = block[i * m + c];
            inner.encode(data, 0, k, parity, 0);
            for (int i = 0; i < parity.length; i++) out[(k + i) * m + c] = parity[i];
        }
        return out;
    }
}
