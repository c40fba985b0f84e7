package dev.forge.bench;

import dev.forge.core.hash.Blake3;
import dev.forge.core.hash.Blake3Hasher;
import dev.forge.core.model.ObjectId;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** BLAKE3 of one chunk: native (FFM) against pure Java (commons-codec). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HashingBenchmark {
    @Param({"65536", "262144"})
    public int size;

    private byte[] data;
    private Blake3Hasher nativeHasher;
    private Blake3Hasher javaHasher;

    @Setup
    public void setup() {
        data = new byte[size];
        new SplittableRandom(7).nextBytes(data);
        nativeHasher = Blake3.newHasher();
        javaHasher = Blake3.newJavaHasher();
        if (!nativeHasher.implementation().equals("native"))
            throw new IllegalStateException("native BLAKE3 did not load");
    }

    @Benchmark
    public ObjectId nativeFfm() {
        return nativeHasher.hash(data, 0, data.length);
    }

    @Benchmark
    public ObjectId pureJava() {
        return javaHasher.hash(data, 0, data.length);
    }
}
