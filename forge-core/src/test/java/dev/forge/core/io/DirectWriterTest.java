package dev.forge.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DirectWriterTest {
    @TempDir
    Path dir;

    /** Sizes around the block and buffer boundaries, through O_DIRECT (large expected size) and the page cache. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4095, 4096, 4097, 65536, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 5 * (1 << 20) + 12345})
    void writesExactlyTheBytesGiven(int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        DirectWriter.Buffers buffers = new DirectWriter.Buffers(3, 1 << 20);
        for (long expected : new long[] {size, 1L << 30}) {
            Path f = Files.createTempFile(dir, "w", ".bin");
            DirectWriter w = DirectWriter.open(f, expected, buffers);
            // Mixed pieces: arrays and buffers, odd lengths, so copies straddle buffer edges.
            int off = 0;
            int step = 1;
            while (off < size) {
                int n = Math.min(size - off, step);
                if ((step & 1) == 0) w.write(data, off, n);
                else w.write(ByteBuffer.wrap(data, off, n));
                off += n;
                step = step * 3 + 7;
            }
            assertEquals(size, w.position());
            if (expected >= DirectWriter.DIRECT_MIN_SIZE
                    && java.util.Set.of("ext4", "xfs", "btrfs")
                            .contains(Files.getFileStore(dir).type())) {
                org.junit.jupiter.api.Assertions.assertTrue(
                        w.direct(), "O_DIRECT on " + Files.getFileStore(dir).type());
            }
            w.finish(true);
            assertArrayEquals(data, Files.readAllBytes(f), "size " + size + ", direct " + w.direct());
            assertEquals(size, Files.size(f));
        }
    }

    @org.junit.jupiter.api.Test
    void buffersAreReusedFromFileToFile() throws Exception {
        DirectWriter.Buffers buffers = new DirectWriter.Buffers(2, 4096);
        for (int i = 0; i < 3; i++) {
            byte[] data = new byte[10_000 + i];
            new Random(i).nextBytes(data);
            Path f = Files.createTempFile(dir, "r", ".bin");
            DirectWriter w = DirectWriter.open(f, 1L << 30, buffers);
            w.write(data, 0, data.length);
            w.finish(false);
            assertArrayEquals(data, Files.readAllBytes(f));
        }
    }

    @org.junit.jupiter.api.Test
    void finishTwiceIsRefused() throws Exception {
        Path f = Files.createTempFile(dir, "t", ".bin");
        DirectWriter w = DirectWriter.open(f, 0, new DirectWriter.Buffers(2, 4096));
        w.finish(false);
        assertThrows(IllegalStateException.class, () -> w.finish(false));
    }
}
