package dev.forge.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.SplittableRandom;

/**
 * {@code .forge/reserve}: a few megabytes of ballast, so that gc can start on a full disk. Opening the
 * index to change it needs a little space (a new log, manifest and options file), and gc frees space
 * only after writing the deletions of dead index entries; with nothing free, neither could happen.
 * gc deletes the reserve when space is short, and any writing session that ends with plenty of space
 * puts it back. The bytes are random, so that a compressing file system really allocates them.
 */
final class SpaceReserve {
    static final String FILE = "reserve";
    static final int SIZE = 2 << 20;
    /** The reserve is put back only when this much is free afterwards, never taking the last space. */
    static final long RESTORE_MIN_FREE = 32L << 20;

    private SpaceReserve() {}

    /** Deletes the reserve; true when there was one. */
    static boolean release(Path forge) {
        try {
            return Files.deleteIfExists(forge.resolve(FILE));
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes the reserve if it is missing and space is plentiful; best effort, never fails. */
    static void restore(Path forge) {
        Path file = forge.resolve(FILE);
        if (Files.exists(file)) return;
        Path tmp = forge.resolve(FILE + ".tmp");
        try {
            if (Files.getFileStore(forge).getUsableSpace() < RESTORE_MIN_FREE + SIZE) return;
            byte[] block = new byte[64 << 10];
            SplittableRandom random = new SplittableRandom();
            try (OutputStream out = Files.newOutputStream(tmp)) {
                for (int written = 0; written < SIZE; written += block.length) {
                    for (int i = 0; i < block.length; i += 8) {
                        long v = random.nextLong();
                        for (int j = 0; j < 8; j++) block[i + j] = (byte) (v >>> (8 * j));
                    }
                    out.write(block);
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover reserve.tmp is overwritten next time
            }
        }
    }
}
