package dev.forge.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.ReadOnlyRepositoryException;
import dev.forge.core.port.LocalStore;
import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.repo.Add;
import dev.forge.core.repo.Branches;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.CommitOp;
import dev.forge.core.repo.Fsck;
import dev.forge.core.repo.History;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store opened read-only (what a read-only mount or a full disk gets for reading commands): every
 * read works, the stat cache is not written, every change fails with one message naming the folder
 * and the reason, and nothing under {@code .forge} changes. The e2e tests make a real read-only mount.
 */
class ReadOnlyStoreTest {
    private static final ProgressListener P = ProgressListener.NONE;

    @TempDir
    Path dir;

    private final RocksLocalStoreFactory disk = new RocksLocalStoreFactory();

    /** Opens every repository read-only, as the factory does when writing is impossible. */
    private final LocalStoreFactory readOnly = new LocalStoreFactory() {
        @Override
        public LocalStore create(Path workTree, RepoConfig config) {
            throw new UnsupportedOperationException();
        }

        @Override
        public LocalStore open(Path workTree) {
            Path forge = workTree.resolve(".forge");
            return new RocksLocalStore(
                    workTree,
                    forge,
                    ConfigFile.read(forge.resolve("config")),
                    RocksIndex.open(forge.resolve("index"), RocksIndex.Access.READ_ONLY),
                    "the test says so");
        }

        @Override
        public Path findWorkTree(Path start) {
            return disk.findWorkTree(start);
        }
    };

    @BeforeEach
    void repository() throws IOException {
        Files.writeString(dir.resolve("a.txt"), "one\n");
        try (Repository repo = Repository.init(disk, dir, RepoConfig.defaults())) {
            new Add(repo).run(dir, List.of("."), P);
            new CommitOp(repo).run("one", "Test <t@forge.invalid>", false);
        }
    }

    /** Every file under .forge with its size and modification time. */
    private SortedMap<String, String> forgeFiles() throws IOException {
        SortedMap<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir.resolve(".forge"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), Files.size(p) + " " + Files.getLastModifiedTime(p));
            }
        }
        return out;
    }

    @Test
    void readsWorkAndChangesAreRefusedWithoutWritingAnything() throws IOException {
        Files.writeString(dir.resolve("a.txt"), "two\n"); // status has to hash it; its cache write is dropped
        SortedMap<String, String> before = forgeFiles();
        try (Repository repo = Repository.open(readOnly, dir)) {
            assertTrue(repo.readOnly());
            assertEquals(
                    List.of(new Status.Change("a.txt", Status.ChangeKind.MODIFIED)),
                    new Status(repo).run(P).unstaged());
            assertEquals(1, new History(repo).log("HEAD", 10).size());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new Checkout(repo).show("HEAD:a.txt", out);
            assertEquals("one\n", out.toString(StandardCharsets.UTF_8));
            assertTrue(new Fsck(repo).run(P).ok());

            ReadOnlyRepositoryException add =
                    assertThrows(ReadOnlyRepositoryException.class, () -> new Add(repo).run(dir, List.of("."), P));
            assertTrue(add.getMessage().contains(dir.resolve(".forge").toString()), add.getMessage());
            assertTrue(add.getMessage().contains("the test says so"), add.getMessage());
            assertThrows(ReadOnlyRepositoryException.class, () -> new Branches(repo).createBranch("b", "HEAD"));
            assertThrows(ReadOnlyRepositoryException.class, () -> repo.setGcGraceDays(3));
        }
        assertEquals(before, forgeFiles(), "nothing under .forge was written");
        try (Repository repo = Repository.open(disk, dir)) {
            assertEquals(1, new Branches(repo).branches().size());
        }
    }
}
