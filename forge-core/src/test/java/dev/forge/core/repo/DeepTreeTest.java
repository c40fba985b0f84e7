package dev.forge.core.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.model.Commit;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.model.Tree;
import dev.forge.core.model.TreeEntry;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.port.mem.MemLocalStoreFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tree far deeper than any file system allows (as a hostile remote could send): every walk is
 * iterative, so none overflows the stack; those that build paths refuse it as damage, naming a tree.
 */
class DeepTreeTest {
    private static final ProgressListener P = ProgressListener.NONE;
    private static final int LEVELS = 20_000;

    @TempDir
    Path dir;

    private Repository repo;
    private ObjectId tooDeep;

    @BeforeEach
    void deepBranch() {
        repo = Repository.init(new MemLocalStoreFactory(), dir, RepoConfig.defaults());
        byte[] hello = "hello\n".getBytes(StandardCharsets.UTF_8);
        ObjectId commit;
        try (ObjectSink sink = new ObjectSink(
                repo.store().objects(),
                repo.config().compression(),
                repo.config().chunking().maxSize())) {
            ObjectId chunk = sink.hasher().hash(hello, 0, hello.length);
            sink.putChunk(chunk, hello, 0, hello.length, false);
            ObjectId tree = sink.putObject(
                    ObjectType.TREE,
                    new Tree(List.of(new TreeEntry("f.txt", FileKind.FILE, ObjectType.CHUNK, chunk, hello.length)))
                            .encode());
            for (int i = 0; i < LEVELS; i++) {
                tree = sink.putObject(
                        ObjectType.TREE,
                        new Tree(List.of(new TreeEntry("d", FileKind.DIRECTORY, ObjectType.TREE, tree, hello.length)))
                                .encode());
                if (i == LEVELS - 1 - Tree.MAX_DEPTH) tooDeep = tree;
            }
            commit = sink.putObject(
                    ObjectType.COMMIT,
                    new Commit(
                                    tree,
                                    List.of(),
                                    "Test <t@forge.invalid>",
                                    OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
                                    "deep")
                            .encode());
        }
        repo.begin("test").setRef("refs/heads/deep", commit).commit();
    }

    @AfterEach
    void close() {
        repo.close();
    }

    @Test
    void walksThatBuildPathsRefuseItNamingTheTree() {
        IntegrityException e = assertThrows(IntegrityException.class, () -> new Checkout(repo).run("deep", false, P));
        assertTrue(e.getMessage().contains(tooDeep.shortHex()), e.getMessage());
        assertTrue(e.getMessage().contains("nested more than " + Tree.MAX_DEPTH), e.getMessage());
        assertThrows(IntegrityException.class, () -> new Checkout(repo).into("deep", dir.resolve("out"), P));
        Fsck.Report r = new Fsck(repo).run(P);
        assertFalse(r.ok());
        assertTrue(
                r.problems().stream().anyMatch(p -> p.contains(tooDeep.shortHex())),
                r.problems().toString());
    }

    @Test
    void walksThatDoNotBuildPathsGoAllTheWayDown() {
        Stats.Report s = new Stats(repo).run();
        assertEquals(1, s.commits());
        assertEquals(6, s.logicalBytes(), "one file of 6 bytes at the bottom");
        Gc.Report g = new Gc(repo).run(false, P);
        assertEquals(0, g.sweep().deadObjects(), "every level is reachable and kept");
        assertTrue(g.liveObjects() >= LEVELS);
    }
}
