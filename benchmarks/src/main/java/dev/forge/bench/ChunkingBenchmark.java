package dev.forge.bench;

import dev.forge.core.chunk.ChunkerParams;
import dev.forge.core.chunk.FastCdc;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** FastCDC cut-point search over 64 MiB of random bytes (bytes/s = 64 MiB / score). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ChunkingBenchmark {
  private byte[] data;
  private FastCdc cdc;

  @Setup
  public void setup() {
    data = new byte[64 << 20];
    SplittableRandom r = new SplittableRandom(42);
    for (int i = 0; i < data.length; i += 8) {
      long v = r.nextLong();
      for (int k = 0; k < 8; k++) data[i + k] = (byte) (v >>> (8 * k));
    }
    cdc = new FastCdc(ChunkerParams.DEFAULT);
  }

  @Benchmark
  public int scalarReference() {
    int off = 0;
    int chunks = 0;
    while (off < data.length) {
      off += cdc.cut(data, off, data.length - off);
      chunks++;
    }
    return chunks;
  }
}
