package dev.forge.core.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.chunk.ChunkerParams;
import dev.forge.core.chunk.FastCdc;
import dev.forge.core.hash.Blake3;
import dev.forge.core.hash.Blake3Hasher;
import dev.forge.core.model.ChunkList;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest pipeline cuts every file exactly as FastCdc does, whatever the thread layout. */
class IngesterTest {
    @TempDir
    Path dir;

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** The chunk list FastCdc and BLAKE3 give for data. */
    private static List<ChunkList.ChunkRef> expected(byte[] data) {
        FastCdc cdc = new FastCdc(ChunkerParams.DEFAULT);
        Blake3Hasher hasher = Blake3.newHasher();
        List<ChunkList.ChunkRef> out = new ArrayList<>();
        for (int off = 0; off < data.length; ) {
            int len = cdc.cut(data, off, data.length - off);
            out.add(new ChunkList.ChunkRef(hasher.hash(data, off, len), len));
            off += len;
        }
        return out;
    }

    private WorkFile write(String name, byte[] data) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, data);
        return WorkTree.stat(name, p);
    }

    @Test
    void largeAndSmallFilesAreCutAsFastCdcCutsThemOnAnyNumberOfThreads() throws IOException {
        // Large files (above the 8 MiB whole-read limit) go through ChunkStream; with fewer files than
        // threads their stage 1 runs on the spare threads too.
        byte[] big = random(1, (21 << 20) + 12345);
        byte[] big2 = random(2, (9 << 20) + 7);
        byte[] small = random(3, 3 << 20);
        WorkFile fBig = write("big.bin", big);
        WorkFile fBig2 = write("big2.bin", big2);
        WorkFile fSmall = write("small.bin", small);
        RepoConfig config = RepoConfig.defaults();
        assertEquals(ChunkerParams.DEFAULT, config.chunking());
        for (int threads = 1; threads <= 4; threads++) {
            List<Ingester.Result> alone = new Ingester(null, config, false, true, ProgressListener.NONE)
                    .withThreads(threads)
                    .run(List.of(fBig));
            assertEquals(expected(big), alone.get(0).chunks(), "big alone on " + threads + " threads");
            assertTrue(alone.get(0).stable());

            List<Ingester.Result> three = new Ingester(null, config, false, true, ProgressListener.NONE)
                    .withThreads(threads)
                    .run(List.of(fSmall, fBig, fBig2));
            assertEquals(expected(small), three.get(0).chunks(), "small of three on " + threads + " threads");
            assertEquals(expected(big), three.get(1).chunks(), "big of three on " + threads + " threads");
            assertEquals(expected(big2), three.get(2).chunks(), "big2 of three on " + threads + " threads");
            assertEquals(alone.get(0).content(), three.get(1).content());
        }
    }

    @Test
    void smallFilesReadThroughLinuxCallsGiveTheSameChunksAndTellAChangedFile() throws IOException {
        // Empty, tiny, one chunk, several chunks, and more than one read call (256 KiB each).
        byte[][] data = {new byte[0], random(4, 100), random(5, 20_000), random(6, 300_000), random(7, (3 << 20) + 5)};
        List<WorkFile> files = new ArrayList<>();
        for (int i = 0; i < data.length; i++) files.add(write("f" + i + ".bin", data[i]));
        // Stat taken, then the file rewritten with other bytes and length: its new bytes are read, and
        // the result is not stable (the stat cache must not take it).
        WorkFile stale = write("stale.bin", random(8, 5000));
        byte[] now = random(9, 7000);
        Files.write(dir.resolve("stale.bin"), now);
        files.add(stale);
        // Gone since the scan: no result.
        WorkFile gone = write("gone.bin", random(10, 100));
        Files.delete(dir.resolve("gone.bin"));
        files.add(gone);
        long before = Ingester.NATIVE_READS.sum();
        List<Ingester.Result> results = new Ingester(null, RepoConfig.defaults(), false, true, ProgressListener.NONE)
                .withThreads(2)
                .nativeReadFrom(0)
                .run(files);
        for (int i = 0; i < data.length; i++) {
            Ingester.Result r = results.get(i);
            List<ChunkList.ChunkRef> want = data[i].length == 0
                    ? List.of(new ChunkList.ChunkRef(Blake3.newHasher().hash(data[i], 0, 0), 0))
                    : expected(data[i]);
            assertEquals(want, r.chunks(), "f" + i);
            assertEquals(data[i].length, r.content().size());
            assertTrue(r.stable(), "f" + i);
        }
        Ingester.Result s = results.get(data.length);
        assertEquals(expected(now), s.chunks());
        assertEquals(now.length, s.content().size());
        assertFalse(s.stable());
        assertNull(results.get(data.length + 1));
        if (dev.forge.core.io.LinuxDirs.get() != null) {
            assertTrue(Ingester.NATIVE_READS.sum() - before >= data.length + 1, "read through LinuxDirs");
        }
        // A run of fewer files than NATIVE_READ_FROM (an add of one file) reads them through NIO, and
        // gets the same chunks.
        long beforeFew = Ingester.NATIVE_READS.sum();
        List<Ingester.Result> few = new Ingester(null, RepoConfig.defaults(), false, true, ProgressListener.NONE)
                .withThreads(2)
                .run(files.subList(0, data.length));
        for (int i = 0; i < data.length; i++)
            assertEquals(results.get(i).chunks(), few.get(i).chunks(), "f" + i);
        assertEquals(beforeFew, Ingester.NATIVE_READS.sum(), "no LinuxDirs reads for " + data.length + " files");
    }

    @Test
    void filesAreTakenLargestFirstAndFilesOfOneSizeInInputOrder() {
        java.util.Random rnd = new java.util.Random(9);
        for (long huge : new long[] {0, 1L << 39, Long.MAX_VALUE / 2}) { // packed, and the fallback
            List<WorkFile> files = new java.util.ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                long size = rnd.nextInt(4) == 0 ? rnd.nextInt(3) : rnd.nextInt(70_000);
                files.add(new WorkFile(
                        "f" + i, java.nio.file.Path.of("f" + i), dev.forge.core.model.FileKind.FILE, size, 0, 0));
            }
            if (huge > 0)
                files.add(new WorkFile(
                        "big", java.nio.file.Path.of("big"), dev.forge.core.model.FileKind.FILE, huge, 0, 0));
            List<Integer> expected = new java.util.ArrayList<>();
            for (int i = 0; i < files.size(); i++) expected.add(i);
            expected.sort(java.util.Comparator.comparingLong(
                            (Integer i) -> files.get(i).size())
                    .reversed());
            List<Integer> got = new java.util.ArrayList<>();
            for (int i : Ingester.largestFirst(files)) got.add(i);
            assertEquals(expected, got, "largest " + huge);
        }
    }
}
