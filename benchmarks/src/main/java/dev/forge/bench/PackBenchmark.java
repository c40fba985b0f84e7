package dev.forge.bench;

import dev.forge.core.codec.Codec;
import dev.forge.core.hash.Blake3;
import dev.forge.core.hash.Blake3Hasher;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.port.LocalStore;
import dev.forge.core.port.ObjectWriter;
import dev.forge.core.port.RepoConfig;
import dev.forge.storage.RocksLocalStoreFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The local store: writing 64 MiB of 64 KiB raw chunks to a pack (with its fsync and index batch),
 * and reading them back verified (record CRC + BLAKE3).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class PackBenchmark {
    private static final int CHUNK = 64 << 10;
    private static final int CHUNKS = 1024;

    private byte[][] chunks;
    private ObjectId[] ids;
    private Path dir;
    private LocalStore store;

    @Setup(Level.Invocation)
    public void setup() throws IOException {
        chunks = new byte[CHUNKS][CHUNK];
        ids = new ObjectId[CHUNKS];
        SplittableRandom r = new SplittableRandom(9);
        Blake3Hasher h = Blake3.newHasher();
        for (int i = 0; i < CHUNKS; i++) {
            r.nextBytes(chunks[i]);
            ids[i] = h.hash(chunks[i], 0, CHUNK);
        }
        dir = Files.createTempDirectory("forge-bench-");
        store = new RocksLocalStoreFactory().create(dir, RepoConfig.defaults());
    }

    @TearDown(Level.Invocation)
    public void teardown() throws IOException {
        store.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public int writeThenReadVerified() {
        try (ObjectWriter w = store.objects().newWriter()) {
            for (int i = 0; i < CHUNKS; i++) w.put(ids[i], ObjectType.CHUNK, Codec.RAW, CHUNK, chunks[i], 0, CHUNK);
        }
        int n = 0;
        for (int i = 0; i < CHUNKS; i++) n += store.objects().read(ids[i]).length;
        return n;
    }
}
