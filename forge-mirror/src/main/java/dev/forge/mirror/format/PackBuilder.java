package dev.forge.mirror.format;

import dev.forge.core.hash.Blake3Hasher;
import dev.forge.core.port.ObjectStore.StoredRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes one pack for upload from stored records, as they are (no decoding, no recompression): into a
 * local staging folder, with its index beside it ({@link #finish} names both by the BLAKE3 of the
 * index: {@code <id>.pack} and {@code <id>.idx}), or into a channel the caller owns, a blob store's
 * draft ({@link #seal} returns the id and the index, and the caller publishes the pack). Not
 * thread-safe: one builder per thread.
 */
public final class PackBuilder implements AutoCloseable {
    private final Path dir;
    private final Path tmp;
    /** The staging file's channel; null when writing into a caller's channel. */
    private final FileChannel channel;

    private final OutputStream out;
    private final CRC32C areaCrc = new CRC32C();
    private final CRC32C recordCrc = new CRC32C();
    private final List<PackIndex.Entry> entries = new ArrayList<>();
    private final byte[] header = new byte[PackLayout.RECORD_HEADER_SIZE];
    private long position;
    private boolean done;

    /** A finished pack: its id, where its two files are, its length and what it holds. */
    public record Built(String id, Path pack, Path index, long length, List<PackIndex.Entry> entries) {}

    /** A pack written into a caller's channel: its id, its index's bytes and its length. */
    public record Sealed(String id, byte[] index, long length) {}

    /** A pack staged in {@code dir}, to be finished with {@link #finish}. */
    public PackBuilder(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        this.tmp = Files.createTempFile(dir, "pack-", ".part");
        this.channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
        this.out = new java.io.BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20);
        writeHeader();
    }

    /**
     * A pack written into {@code sink} (which the caller owns: it is neither forced nor closed here),
     * to be ended with {@link #seal}.
     */
    public PackBuilder(WritableByteChannel sink) throws IOException {
        this.dir = null;
        this.tmp = null;
        this.channel = null;
        this.out = new java.io.BufferedOutputStream(Channels.newOutputStream(sink), 1 << 20);
        writeHeader();
    }

    private void writeHeader() throws IOException {
        byte[] h = new byte[PackLayout.HEADER_SIZE];
        System.arraycopy(PackLayout.HEADER_MAGIC, 0, h, 0, 8);
        ByteBuffer.wrap(h).putInt(8, PackLayout.VERSION);
        out.write(h);
        position = PackLayout.HEADER_SIZE;
    }

    /** Bytes written so far. */
    public long length() {
        return position;
    }

    public int records() {
        return entries.size();
    }

    public void add(StoredRecord r) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(header);
        header[0] = (byte) PackLayout.RECORD_MAGIC;
        header[1] = (byte) r.type().code();
        header[2] = (byte) r.codec().code();
        header[3] = 0;
        r.id().copyTo(header, 4);
        b.putInt(36, r.rawLength()).putInt(40, r.payload().length);
        recordCrc.reset();
        recordCrc.update(header, 0, PackLayout.RECORD_CRC_OFFSET);
        recordCrc.update(r.payload());
        b.putInt(PackLayout.RECORD_CRC_OFFSET, (int) recordCrc.getValue());
        entries.add(new PackIndex.Entry(r.id(), r.type(), r.codec(), r.rawLength(), r.payload().length, position));
        write(header);
        write(r.payload());
    }

    private void write(byte[] b) throws IOException {
        areaCrc.update(b);
        out.write(b);
        position += b.length;
    }

    private void writeTrailer() throws IOException {
        ByteBuffer t = ByteBuffer.allocate(PackLayout.TRAILER_SIZE);
        t.put(PackLayout.TRAILER_MAGIC)
                .putInt(PackLayout.VERSION)
                .putInt(entries.size())
                .putLong(position - PackLayout.HEADER_SIZE)
                .putInt((int) areaCrc.getValue());
        CRC32C c = new CRC32C();
        c.update(t.array(), 0, 28);
        t.putInt((int) c.getValue());
        out.write(t.array());
        position += PackLayout.TRAILER_SIZE;
    }

    /**
     * Writes the trailer into the caller's channel (everything buffered reaches it) and returns the
     * pack's id and index; making it durable and publishing it is the caller's.
     */
    public Sealed seal(Blake3Hasher hasher) throws IOException {
        if (channel != null) throw new IllegalStateException("a staged pack is ended with finish");
        writeTrailer();
        out.flush();
        done = true;
        byte[] index = PackIndex.encode(entries, position);
        return new Sealed(PackIndex.packIdOf(index, hasher), index, position);
    }

    /** Writes the trailer and the index, fsyncs both and renames them to their final names. */
    public Built finish(Blake3Hasher hasher) throws IOException {
        if (channel == null) throw new IllegalStateException("a pack written into a channel is ended with seal");
        writeTrailer();
        out.flush();
        channel.force(true);
        out.close();
        done = true;
        byte[] index = PackIndex.encode(entries, position);
        String id = PackIndex.packIdOf(index, hasher);
        Path pack = dir.resolve(id + ".pack");
        Path idx = dir.resolve(id + ".idx");
        Files.move(tmp, pack, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Path idxTmp = dir.resolve(id + ".idx.part");
        try (FileChannel ch = FileChannel.open(
                idxTmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bb = ByteBuffer.wrap(index);
            while (bb.hasRemaining()) ch.write(bb);
            ch.force(true);
        }
        Files.move(idxTmp, idx, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Built(id, pack, idx, position, List.copyOf(entries));
    }

    /** Drops an unfinished pack (one written into a caller's channel is the caller's to drop). */
    @Override
    public void close() throws IOException {
        if (!done) {
            done = true;
            if (channel == null) return;
            out.close();
            Files.deleteIfExists(tmp);
        }
    }
}
