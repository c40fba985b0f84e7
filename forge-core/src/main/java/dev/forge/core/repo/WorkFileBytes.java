package dev.forge.core.repo;

import dev.forge.core.error.ForgeException;
import dev.forge.core.media.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A work-tree file's bytes by offset; each read opens the file, so nothing stays open between reads. */
final class WorkFileBytes implements ByteSource {
    private final Path file;
    private final long size;

    WorkFileBytes(Path file, long size) {
        this.file = file;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public byte[] read(long offset, int length) {
        if (offset < 0 || length < 0) throw new IllegalArgumentException("bad read " + offset + "+" + length);
        long end = Math.min(size, offset + length);
        if (offset >= end) return new byte[0];
        ByteBuffer bb = ByteBuffer.allocate((int) (end - offset));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (bb.hasRemaining()) {
                if (ch.read(bb, offset + bb.position()) < 0) break;
            }
        } catch (IOException e) {
            throw new ForgeException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return bb.position() == bb.capacity() ? bb.array() : java.util.Arrays.copyOf(bb.array(), bb.position());
    }
}
