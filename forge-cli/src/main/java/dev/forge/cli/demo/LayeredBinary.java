package dev.forge.cli.demo;

import dev.forge.core.port.ProgressListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * The big file of the demo: a layered document in the spirit of a Photoshop PSB (its own simple
 * layout, not a file Photoshop opens). A 64-byte header (magic, version, layer count, canvas size,
 * name, big-endian like PSD) and then layers, each a 64-byte record (magic, stable layer id, length,
 * blend mode, opacity, name) followed by its pixels: 16 KiB tiles of noise, gradients and flat colour,
 * so that the file is partly compressible. Every layer is a function of its id alone, which keeps the
 * file deterministic and lets an inserted layer leave every other layer's bytes as they were (as an
 * editor does; only the header's layer count changes).
 *
 * <p>Written in 1 MiB blocks from one reused buffer, never held in memory.
 */
final class LayeredBinary {
    private LayeredBinary() {}

    static final int HEADER = 64;
    static final int LAYER_HEADER = 64;
    /** Each generated layer, header included, fills one MiB (the first one shares it with the file header). */
    static final int SLOT = 1 << 20;

    private static final int TILE = 16 << 10;
    private static final int COUNT_OFFSET = 12;
    private static final byte[] MAGIC = "FRGLAYRS".getBytes(StandardCharsets.US_ASCII);

    /** Writes a file of exactly {@code sizeMib} MiB with {@code sizeMib} layers. */
    static void write(Path file, int sizeMib, long seed, MessageDigest digest, ProgressListener progress)
            throws IOException {
        byte[] buf = new byte[SLOT];
        ByteBuffer be = ByteBuffer.wrap(buf);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int k = 0; k < sizeMib; k++) {
                int pos = 0;
                if (k == 0) {
                    be.clear();
                    be.put(MAGIC)
                            .putInt(1)
                            .putInt(sizeMib)
                            .putInt(16_384)
                            .putInt(9_216)
                            .putShort((short) 8)
                            .putShort((short) 4);
                    putName(be, "comp_v001", HEADER - be.position());
                    pos = HEADER;
                }
                int id = k + 1;
                pos = layer(buf, pos, SLOT - pos, id, String.format(Locale.ROOT, "paint_%03d", id), seed);
                writeFully(ch, ByteBuffer.wrap(buf, 0, pos));
                digest.update(buf, 0, pos);
                progress.advance(pos);
            }
        }
    }

    /**
     * Where the demo inserts its new layer: at the boundary of the middle layer (after the header when
     * there is a single layer).
     */
    static long insertOffset(int sizeMib) {
        return sizeMib / 2 == 0 ? HEADER : (long) (sizeMib / 2) * SLOT;
    }

    /**
     * Inserts a new layer of {@code layerBytes} bytes (record included) at {@code offset} and bumps the
     * header's layer count, as a save from an editor would: the file is streamed into a temporary file
     * beside it (head, new layer, tail) that then replaces it. {@code digest} sees the new file's bytes.
     */
    static void insertLayer(
            Path file,
            long offset,
            int layerBytes,
            int layerId,
            long seed,
            MessageDigest digest,
            ProgressListener progress)
            throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".saving");
        byte[] buf = new byte[SLOT];
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(
                        tmp,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
            long size = in.size();
            if (offset < HEADER || offset > size)
                throw new IOException("cannot insert a layer at " + offset + " in a file of " + size + " bytes");
            copy(in, out, 0, offset, buf, true, digest, progress);
            int n = layer(buf, 0, layerBytes, layerId, "punch-up paint", seed);
            writeFully(out, ByteBuffer.wrap(buf, 0, n));
            digest.update(buf, 0, n);
            progress.advance(n);
            copy(in, out, offset, size, buf, false, digest, progress);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Copies {@code in[from, to)} to the end of {@code out}; bumps the layer count when {@code header}. */
    private static void copy(
            FileChannel in,
            FileChannel out,
            long from,
            long to,
            byte[] buf,
            boolean header,
            MessageDigest digest,
            ProgressListener progress)
            throws IOException {
        for (long pos = from; pos < to; ) {
            int n = (int) Math.min(buf.length, to - pos);
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
            while (bb.hasRemaining()) {
                if (in.read(bb, pos + bb.position()) < 0)
                    throw new IOException("the file shrank while it was being rewritten");
            }
            if (header && pos == 0) {
                ByteBuffer h = ByteBuffer.wrap(buf);
                h.putInt(COUNT_OFFSET, h.getInt(COUNT_OFFSET) + 1);
            }
            writeFully(out, ByteBuffer.wrap(buf, 0, n));
            digest.update(buf, 0, n);
            progress.advance(n);
            pos += n;
        }
    }

    /** Writes one layer (record and pixels) of {@code len} bytes at {@code buf[off]}; returns the end. */
    private static int layer(byte[] buf, int off, int len, int id, String name, long seed) {
        ByteBuffer be = ByteBuffer.wrap(buf, off, LAYER_HEADER);
        be.put("LAYR".getBytes(StandardCharsets.US_ASCII))
                .putInt(id)
                .putLong(len - LAYER_HEADER)
                .put("norm".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 255)
                .put(new byte[3]);
        putName(be, name, off + LAYER_HEADER - be.position());
        pixels(buf, off + LAYER_HEADER, len - LAYER_HEADER, new SplitMix64(seed ^ (id * 0x632BE59BD9B4E019L)));
        return off + len;
    }

    /** Fills tiles: 45% noise (incompressible), 35% gradients, 20% flat colour with specks. */
    private static void pixels(byte[] buf, int off, int len, SplitMix64 rng) {
        ByteBuffer le = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        int end = off + len;
        for (int t = off; t < end; t += TILE) {
            int tileEnd = Math.min(end, t + TILE);
            int kind = rng.nextInt(20);
            int i = t;
            if (kind < 9) {
                for (; i + 8 <= tileEnd; i += 8) le.putLong(i, rng.nextLong());
            } else if (kind < 16) {
                long c = rng.nextLong();
                int r = (int) (c & 0xff) << 8;
                int g = (int) ((c >>> 8) & 0xff) << 8;
                int b = (int) ((c >>> 16) & 0xff) << 8;
                int dr = (int) ((c >>> 24) & 0x3f) - 32;
                int dg = (int) ((c >>> 30) & 0x3f) - 32;
                int db = (int) ((c >>> 36) & 0x3f) - 32;
                for (; i + 4 <= tileEnd; i += 4) {
                    le.putInt(
                            i,
                            ((r >>> 8) & 0xff) | (((g >>> 8) & 0xff) << 8) | (((b >>> 8) & 0xff) << 16) | 0xff000000);
                    r += dr;
                    g += dg;
                    b += db;
                }
            } else {
                long c = rng.nextLong();
                int rgba = (int) c | 0xff000000;
                long specks = rng.nextLong();
                for (; i + 4 <= tileEnd; i += 4) le.putInt(i, rgba);
                for (int s = t + (int) ((specks & 0xff) % 61); s < tileEnd; s += 61) {
                    specks = specks * 6364136223846793005L + 1442695040888963407L;
                    buf[s] = (byte) (specks >>> 56);
                }
            }
            for (; i < tileEnd; i++) buf[i] = (byte) rng.nextLong();
        }
    }

    private static void putName(ByteBuffer b, String name, int room) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        int k = Math.min(n.length, room);
        b.put(n, 0, k);
        for (int i = k; i < room; i++) b.put((byte) 0);
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }
}
