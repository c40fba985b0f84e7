package dev.forge.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedReaderTest {
  @TempDir Path dir;

  @Test
  void readsEveryByteAcrossWindowsIntoHeapAndDirectBuffers() throws Exception {
    byte[] data = new byte[3 * 65536 + 123];
    new Random(7).nextBytes(data);
    Path f = Files.write(dir.resolve("f"), data);
    for (boolean direct : new boolean[] {false, true}) {
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ); MappedReader r = new MappedReader(ch, 65536)) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(40_000) : ByteBuffer.allocate(40_000);
        int n;
        while ((n = r.read(b.clear())) >= 0) {
          b.flip();
          assertEquals(n, b.remaining());
          byte[] part = new byte[n];
          b.get(part);
          got.write(part);
        }
      }
      assertArrayEquals(data, got.toByteArray(), direct ? "direct buffer" : "heap buffer");
    }
  }

  @Test
  void emptyFileIsAtEndAtOnce() throws Exception {
    Path f = Files.write(dir.resolve("e"), new byte[0]);
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ); MappedReader r = new MappedReader(ch)) {
      assertEquals(-1, r.read(ByteBuffer.allocate(10)));
    }
  }
}
