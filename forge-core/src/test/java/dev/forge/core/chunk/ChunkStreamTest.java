package dev.forge.core.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkStreamTest {
    private static final FastCdc CDC = new FastCdc(ChunkerParams.DEFAULT);
    private static final int MAX = ChunkerParams.DEFAULT.maxSize();

    /** A blocking channel that hands out at most a random 1..maxRead bytes per read. */
    private static final class TrickleChannel implements ReadableByteChannel {
        private final byte[] data;
        private final Random rnd;
        private final int maxRead;
        private int pos;

        TrickleChannel(byte[] data, long seed, int maxRead) {
            this.data = data;
            this.rnd = new Random(seed);
            this.maxRead = maxRead;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (pos == data.length) return -1;
            int n = Math.min(Math.min(dst.remaining(), data.length - pos), 1 + rnd.nextInt(maxRead));
            dst.put(data, pos, n);
            pos += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }

    /** Chunk lengths from the stream; maxRead 1 means "whatever the channel gives" (full reads). */
    static int[] streamCuts(ChunkStream stream, byte[] data, int maxRead) throws IOException {
        ReadableByteChannel ch = maxRead <= 1
                ? Channels.newChannel(new ByteArrayInputStream(data))
                : new TrickleChannel(data, 7, maxRead);
        ByteArrayOutputStream copy = new ByteArrayOutputStream(data.length);
        List<Integer> lengths = new ArrayList<>();
        long total = stream.forEach(ch, (buf, off, len) -> {
            copy.write(buf, off, len);
            lengths.add(len);
        });
        assertEquals(data.length, total);
        assertArrayEquals(data, copy.toByteArray(), "chunks must concatenate back to the input");
        return lengths.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] arrayCuts(byte[] data) {
        return FastCdcTest.cuts(CDC, data).stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void streamingGivesTheSameCutsAsTheWholeArray() throws IOException {
        byte[] data = new byte[(9 << 20) + 12345];
        new Random(3).nextBytes(data);
        int[] expected = arrayCuts(data);
        for (int size :
                List.of(2 * MAX, 2 * MAX + 1, 3 * MAX + 12345, 1 << 20, ChunkStream.DEFAULT_BUFFER_SIZE, 16 << 20)) {
            ChunkStream stream = new ChunkStream(CDC, size);
            assertArrayEquals(expected, streamCuts(stream, data, 1), "buffer " + size);
            // Short, ragged reads exercise compaction at every possible tail length.
            assertArrayEquals(expected, streamCuts(stream, data, 70_000), "buffer " + size + ", short reads");
        }
    }

    @Test
    void reusableAcrossStreams() throws IOException {
        ChunkStream stream = new ChunkStream(CDC);
        assertEquals(ChunkStream.DEFAULT_BUFFER_SIZE, stream.bufferSize());
        for (long seed = 10; seed < 14; seed++) {
            byte[] data = new byte[(int) (seed * 300_001)];
            new Random(seed).nextBytes(data);
            assertArrayEquals(arrayCuts(data), streamCuts(stream, data, 1), "seed " + seed);
        }
    }

    @Test
    void emptyAndTinyInputs() throws IOException {
        ChunkStream stream = new ChunkStream(CDC, 2 * MAX);
        assertArrayEquals(new int[0], streamCuts(stream, new byte[0], 1));
        assertArrayEquals(new int[] {1}, streamCuts(stream, new byte[] {42}, 1));
        assertArrayEquals(new int[] {100}, streamCuts(stream, new byte[100], 1));
        assertArrayEquals(new int[] {MAX, MAX, 5}, streamCuts(stream, new byte[2 * MAX + 5], 1));
    }

    @Test
    void fileChannelInput(@TempDir Path dir) throws IOException {
        byte[] data = new byte[5 << 20];
        new Random(11).nextBytes(data);
        Path file = dir.resolve("f.bin");
        Files.write(file, data);
        try (FileChannel ch = FileChannel.open(file)) {
            long[] sum = {0};
            int[] n = {0};
            long total = new ChunkStream(CDC, 2 * MAX).forEach(ch, (b, o, l) -> {
                sum[0] += l;
                n[0]++;
            });
            assertEquals(data.length, total);
            assertEquals(data.length, sum[0]);
            assertEquals(arrayCuts(data).length, n[0]);
        }
    }

    @Test
    void sinkExceptionsPropagate() {
        ChunkStream stream = new ChunkStream(CDC, 2 * MAX);
        IOException e = assertThrows(
                IOException.class,
                () -> stream.forEach(Channels.newChannel(new ByteArrayInputStream(new byte[1000])), (b, o, l) -> {
                    throw new IOException("disk full");
                }));
        assertEquals("disk full", e.getMessage());
    }

    @Test
    void bufferMustHoldTwoMaxChunks() {
        var e = assertThrows(IllegalArgumentException.class, () -> new ChunkStream(CDC, 2 * MAX - 1));
        assertEquals("bufferSize must be at least 2 * maxSize = 524288, got 524287", e.getMessage());
    }
}
