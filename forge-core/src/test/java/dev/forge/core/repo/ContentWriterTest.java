package dev.forge.core.repo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.model.FileKind;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.port.StageEntry;
import dev.forge.core.port.mem.MemLocalStoreFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ContentWriter#writeTo}: large files written in ranges by several writers (through O_DIRECT
 * where the file system takes it) come out byte for byte, with their permissions and length, and a
 * damaged chunk in any range fails the write.
 */
class ContentWriterTest {
    @TempDir
    Path dir;

    @TempDir
    Path out;

    private final MemLocalStoreFactory factory = new MemLocalStoreFactory();
    private Repository repo;

    @BeforeEach
    void init() {
        repo = Repository.init(factory, dir, RepoConfig.defaults());
    }

    @AfterEach
    void close() {
        repo.close();
    }

    private static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Adds files of these sizes (the second executable) and returns their stage entries, in path order. */
    private List<StageEntry> staged(int... sizes) throws Exception {
        for (int i = 0; i < sizes.length; i++) {
            Path p = dir.resolve("f" + i + ".bin");
            Files.write(p, random(i, sizes[i]));
            if (i == 1) Files.setPosixFilePermissions(p, java.util.EnumSet.allOf(PosixFilePermission.class));
        }
        new Add(repo).run(dir, List.of("."), ProgressListener.NONE);
        return new ArrayList<>(repo.stage().entries().values());
    }

    private List<Path> emptyFiles(int n) throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < n; i++) files.add(Files.createFile(out.resolve("t" + i)));
        return files;
    }

    @Test
    void largeFilesWrittenInRangesComeOutByteForByte() throws Exception {
        // Ranges of 1 MiB: 5.3 MB in four (the last up to twice the size), 2.2 MB in one range and a
        // last, 1.9 MB whole, 3 KB whole; chunk boundaries fall anywhere inside the ranges.
        int[] sizes = {5_300_001, 2_200_000, 1_900_000, 3_000};
        List<StageEntry> entries = staged(sizes);
        assertEquals(sizes.length, entries.size());
        assertTrue(repo.objects.chunks(entries.get(0).content()).size() > 3, "several chunks in the largest");
        List<Path> files = emptyFiles(entries.size());
        AtomicLong advanced = new AtomicLong();
        ProgressListener counting = new ProgressListener() {
            @Override
            public void advance(long amount) {
                advanced.addAndGet(amount);
            }
        };
        new ContentWriter(repo.objects, counting, TempFiles.in(repo.forgeDir()), 1 << 20).writeTo(entries, files);
        long total = 0;
        for (int i = 0; i < entries.size(); i++) {
            StageEntry e = entries.get(i);
            assertArrayEquals(Files.readAllBytes(dir.resolve(e.path())), Files.readAllBytes(files.get(i)), e.path());
            total += e.content().size();
            boolean exec = Files.getPosixFilePermissions(files.get(i)).contains(PosixFilePermission.OWNER_EXECUTE);
            assertEquals(e.kind() == FileKind.EXECUTABLE, exec, e.path());
        }
        assertEquals(FileKind.EXECUTABLE, entries.get(1).kind());
        assertEquals(total, advanced.get(), "every byte counted once");
    }

    @Test
    void aDamagedChunkInALaterRangeFailsTheWrite() throws Exception {
        List<StageEntry> entries = staged(4_500_000);
        var chunks = repo.objects.chunks(entries.get(0).content());
        // The last chunk lies in the last range: take it out of the store.
        var last = chunks.get(chunks.size() - 1);
        factory.damage(dir, last.id());
        List<Path> files = emptyFiles(1);
        ContentWriter w =
                new ContentWriter(repo.objects, ProgressListener.NONE, TempFiles.in(repo.forgeDir()), 1 << 20);
        assertThrows(IntegrityException.class, () -> w.writeTo(entries, files));
        assertFalse(java.util.Arrays.equals(
                Files.readAllBytes(dir.resolve(entries.get(0).path())), Files.readAllBytes(files.get(0))));
    }
}
