package dev.forge.mirror;

import static dev.forge.mirror.RemoteProtocolContract.addRemote;
import static dev.forge.mirror.RemoteProtocolContract.commit;
import static dev.forge.mirror.RemoteProtocolContract.init;
import static dev.forge.mirror.RemoteProtocolContract.push;
import static dev.forge.mirror.RemoteProtocolContract.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.NotFoundException;
import dev.forge.core.repo.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** forge du's figures: sizes, the work tree, the local store, a remote's indexes (no network), sharing. */
class DiskUsageTest {
    @TempDir
    Path tmp;

    @Test
    void columnsPerPathWithFolderTotalsCountingEachChunkOnce() throws Exception {
        Path w = Files.createDirectories(tmp.resolve("w"));
        Files.createDirectories(w.resolve("a"));
        Files.createDirectories(w.resolve("b"));
        byte[] big = random(1, 3 << 20);
        Files.write(w.resolve("a/one.bin"), big);
        Files.write(w.resolve("a/same.bin"), big); // the same content at another path: shared whole
        Files.write(w.resolve("b/other.bin"), random(2, 1 << 20));
        try (Repository repo = init(w)) {
            commit(repo, "v1");
            DiskUsage.Report before = new DiskUsage(repo).run("");
            Map<String, DiskUsage.Usage> rows = byPath(before);
            DiskUsage.Usage one = rows.get("a/one.bin");
            DiskUsage.Usage a = rows.get("a");
            DiskUsage.Usage all = before.rows().getLast();
            assertEquals("", all.path(), "the path asked for comes last");
            assertEquals(3L << 20, one.size());
            assertEquals(3L << 20, one.workTree());
            assertTrue(one.local() > 0 && one.local() <= (3L << 20) + 4096, () -> "random data stays its size: " + one);
            assertEquals(one.local(), one.shared(), "all of one.bin is also same.bin");
            assertEquals(2, a.files());
            assertEquals(6L << 20, a.size(), "logical sizes add up");
            assertEquals(one.local(), a.local(), "a folder counts each chunk once");
            assertEquals(0, rows.get("b/other.bin").shared());
            assertEquals(a.local() + rows.get("b").local(), all.local());
            assertTrue(before.remotes().isEmpty());

            // A remote: its column is what its indexes (synced by the push) list; no network for du.
            addRemote(repo, tmp.resolve("remote").toString());
            push(repo, "main");
            Files.delete(w.resolve("b/other.bin"));
            DiskUsage.Report after = new DiskUsage(repo).run("b");
            DiskUsage.Usage b = after.rows().getLast();
            assertEquals("b", b.path());
            assertEquals(0, b.workTree(), "the file is gone from the work tree");
            assertEquals(b.local(), b.remotes().get("origin"), "stored the same way here and there");
            assertEquals(java.util.List.of("origin"), after.remotes());

            assertThrows(NotFoundException.class, () -> new DiskUsage(repo).run("nowhere"));
        }
    }

    static Map<String, DiskUsage.Usage> byPath(DiskUsage.Report r) {
        return r.rows().stream().collect(Collectors.toMap(DiskUsage.Usage::path, Function.identity()));
    }
}
