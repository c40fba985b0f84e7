package dev.forge.bench;

import dev.forge.core.codec.ChunkEncoder;
import dev.forge.core.codec.CompressionPolicy;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Encoding one 64 KiB chunk under each policy, on incompressible and on text-like data. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
    @Param({"AUTO", "FAST", "BALANCED", "MAX", "NONE"})
    public CompressionPolicy policy;

    @Param({"random", "text"})
    public String content;

    private byte[] data;
    private ChunkEncoder encoder;

    @Setup
    public void setup() {
        data = new byte[64 << 10];
        SplittableRandom r = new SplittableRandom(3);
        if (content.equals("random")) {
            r.nextBytes(data);
        } else {
            String[] words = {"shot", "plate", "comp", "render", "frame", "layer", "mask", "grade", " ", "\n"};
            for (int i = 0; i < data.length; i++) {
                String w = words[r.nextInt(words.length)];
                for (int k = 0; k < w.length() && i < data.length; k++) data[i++] = (byte) w.charAt(k);
            }
        }
        encoder = new ChunkEncoder(policy, 256 << 10);
    }

    @TearDown
    public void close() {
        encoder.close();
    }

    @Benchmark
    public int encode() {
        return encoder.encode(data, 0, data.length, false).len();
    }
}
