package dev.forge.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.model.ObjectId;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.repo.Add;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.CommitOp;
import dev.forge.core.repo.Fsck;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repository operations on disk (RocksDB + packs), across closing and reopening the repository. The
 * operations themselves are tested in forge-core on the in-memory store; this is what only real files
 * show: state and objects found again by a new opening, and pack files that grow by the edit.
 */
class RepositoryTest {
    private static final String AUTHOR = "Test <test@forge.invalid>";
    private static final ProgressListener P = ProgressListener.NONE;

    @TempDir
    Path dir;

    private final RocksLocalStoreFactory factory = new RocksLocalStoreFactory();

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private long packBytes() throws IOException {
        try (Stream<Path> packs = Files.list(dir.resolve(".forge/packs"))) {
            long total = 0;
            for (Path p : packs.toList()) total += Files.size(p);
            return total;
        }
    }

    @Test
    void committedWorkIsFoundAgainAfterReopeningAndAnEditGrowsThePacksByLittle() throws Exception {
        byte[] big = random(1, 3_000_000);
        Files.createDirectories(dir.resolve("shots/010"));
        Files.write(dir.resolve("shots/010/plate.bin"), big);
        Files.writeString(dir.resolve("notes.txt"), "v1\n");
        ObjectId v1;
        try (Repository repo = Repository.init(factory, dir, RepoConfig.defaults())) {
            new Add(repo).run(dir, List.of("."), P);
            v1 = new CommitOp(repo).run("v1", AUTHOR, false).commit();
        }
        byte[] edited = big.clone();
        System.arraycopy(random(2, 1000), 0, edited, 1_500_000, 1000);
        Files.write(dir.resolve("shots/010/plate.bin"), edited);
        ObjectId v2;
        try (Repository repo = Repository.open(factory, dir.resolve("shots/010"))) {
            assertEquals(v1, repo.resolve("HEAD"));
            assertEquals(
                    List.of(new Status.Change("shots/010/plate.bin", Status.ChangeKind.MODIFIED)),
                    new Status(repo).run(P).unstaged());
            new Add(repo).run(dir, List.of("."), P);
            long before = packBytes();
            v2 = new CommitOp(repo).run("v2", AUTHOR, false).commit();
            long increment = packBytes() - before;
            assertTrue(increment < 600_000, "a 1000-byte edit stores a few chunks, not the file: " + increment);
        }
        try (Repository repo = Repository.open(factory, dir)) {
            assertEquals(v2, repo.resolve("main"));
            assertEquals(v1, repo.resolve("HEAD~1"));
            assertTrue(new Status(repo).run(P).clean());
            Path out = dir.resolveSibling(dir.getFileName() + "-v1");
            new Checkout(repo).into("HEAD~1", out, P);
            assertArrayEquals(big, Files.readAllBytes(out.resolve("shots/010/plate.bin")));
            ByteArrayOutputStream shown = new ByteArrayOutputStream();
            new Checkout(repo).show("HEAD:shots/010/plate.bin", shown);
            assertArrayEquals(edited, shown.toByteArray());
            Fsck.Report fsck = new Fsck(repo).run(P);
            assertTrue(fsck.ok(), fsck.problems().toString());
            assertTrue(fsck.packs() >= 2, "each commit wrote its own pack: " + fsck.packs());
        }
    }
}
