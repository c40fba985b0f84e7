package dev.forge.core.repo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.model.ChunkList;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.port.StageEntry;
import dev.forge.core.port.mem.MemLocalStoreFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clone's files written as their chunks arrive ({@link Prefill}): the checkout takes exactly the
 * files every place of which was written with a chunk of the right length, whatever the order and
 * however often a chunk came; it writes the rest itself, and no temporary file is left behind.
 */
class PrefillTest {
    private static final ProgressListener P = ProgressListener.NONE;

    @TempDir
    Path dir;

    private Repository repo;
    private ObjectId commit;
    private final Map<String, byte[]> files = new TreeMap<>();

    @BeforeEach
    void init() throws Exception {
        repo = Repository.init(new MemLocalStoreFactory(), dir, RepoConfig.defaults());
        Random r = new Random(7);
        byte[] block = new byte[1 << 20];
        r.nextBytes(block);
        byte[] big = new byte[(3 << 20) + 12345];
        r.nextBytes(big);
        System.arraycopy(block, 0, big, 0, block.length); // the same MiB twice: repeated chunks in one file
        System.arraycopy(block, 0, big, 2 << 20, block.length);
        files.put("media/big.bin", big);
        files.put("media/copy.bin", big.clone()); // every chunk in two files
        files.put("run.sh", "#!/bin/sh\necho hi\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        files.put("empty.txt", new byte[0]);
        for (var f : files.entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, f.getValue());
        }
        Files.setPosixFilePermissions(dir.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(dir.resolve("link"), Path.of("run.sh"));
        new Add(repo).run(dir, List.of("."), P);
        commit = new CommitOp(repo).run("c", "Test <test@forge.invalid>", false).commit();
        for (String f : files.keySet()) Files.delete(dir.resolve(f));
        Files.delete(dir.resolve("link"));
    }

    @AfterEach
    void close() {
        repo.close();
    }

    /** Every chunk place of the commit's regular files: (chunk, bytes). */
    private List<Map.Entry<ObjectId, byte[]>> chunks() {
        List<Map.Entry<ObjectId, byte[]>> out = new ArrayList<>();
        for (StageEntry e :
                Trees.flatten(repo.objects, repo.objects.commit(commit).tree()).values()) {
            if (e.content().size() == 0 || e.kind() == dev.forge.core.model.FileKind.SYMLINK) continue;
            for (ChunkList.ChunkRef c : repo.objects.chunks(e.content()))
                out.add(Map.entry(c.id(), repo.objects.chunk(c)));
        }
        return out;
    }

    /** Restores everything through the checkout's own path, which takes what the plan filled. */
    private void restoreAll(Prefill p) throws Exception {
        repo.prefill(p);
        try {
            new Checkout(repo).restore(dir, List.of("."), null, P);
        } finally {
            repo.prefill(null);
            p.close();
        }
        for (var f : files.entrySet()) assertArrayEquals(f.getValue(), Files.readAllBytes(dir.resolve(f.getKey())));
        assertEquals("run.sh", Files.readSymbolicLink(dir.resolve("link")).toString());
        assertTrue(Files.isExecutable(dir.resolve("run.sh")));
        assertFalse(Files.isExecutable(dir.resolve("media/big.bin")));
        Path tmp = dir.resolve(".forge/tmp");
        if (Files.isDirectory(tmp)) {
            try (Stream<Path> s = Files.list(tmp)) {
                assertEquals(List.of(), s.toList(), "no temporary file is left");
            }
        }
    }

    @Test
    void filesFilledInAnyOrderWithRepeatsAreTakenWhole() throws Exception {
        Prefill p = Prefill.plan(repo, commit, path -> true);
        List<Map.Entry<ObjectId, byte[]>> all = chunks();
        assertTrue(all.size() > 6, "several chunks: " + all.size());
        all.addAll(all.subList(0, 3)); // some arrive twice (a span read again)
        Collections.shuffle(all, new Random(3));
        all.parallelStream().forEach(c -> p.chunk(c.getKey(), c.getValue(), 0, c.getValue().length));
        restoreAll(p);
        assertEquals(3, p.taken(), "big.bin, copy.bin and run.sh came from the plan");
    }

    @Test
    void aFileMissingAChunkIsWrittenByTheCheckoutInstead() throws Exception {
        Prefill p = Prefill.plan(repo, commit, path -> true);
        List<Map.Entry<ObjectId, byte[]>> all = chunks();
        ObjectId missing = all.get(1).getKey(); // in big.bin and copy.bin
        for (var c : all) if (!c.getKey().equals(missing)) p.chunk(c.getKey(), c.getValue(), 0, c.getValue().length);
        restoreAll(p);
        assertEquals(1, p.taken(), "only run.sh was whole");
    }

    @Test
    void aChunkOfTheWrongLengthSpoilsItsFile() throws Exception {
        Prefill p = Prefill.plan(repo, commit, path -> true);
        List<Map.Entry<ObjectId, byte[]>> all = chunks();
        ObjectId wrong = all.get(0).getKey();
        for (var c : all) {
            byte[] b = c.getValue();
            p.chunk(c.getKey(), b, 0, c.getKey().equals(wrong) ? b.length - 1 : b.length);
        }
        restoreAll(p);
        assertEquals(1, p.taken());
    }

    @Test
    void onlyTheChosenPathsArePlannedAndAnUnusedPlanLeavesNothing() throws Exception {
        Prefill p = Prefill.plan(repo, commit, path -> path.equals("run.sh"));
        for (var c : chunks()) p.chunk(c.getKey(), c.getValue(), 0, c.getValue().length);
        restoreAll(p);
        assertEquals(1, p.taken());
        assertNull(Prefill.plan(repo, commit, path -> false), "nothing to fill");

        Prefill unused = Prefill.plan(repo, commit, path -> true);
        for (var c : chunks()) unused.chunk(c.getKey(), c.getValue(), 0, c.getValue().length);
        unused.close();
        try (Stream<Path> s = Files.list(dir.resolve(".forge/tmp"))) {
            assertEquals(List.of(), s.toList(), "close deletes what nobody took");
        }
    }
}
