package dev.forge.core.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.hash.Blake3;
import dev.forge.core.model.ContentRef;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The {@link MetadataStore} contract: an update is seen whole or not at all, reads see the last
 * committed update, values come back as they were put, paths are in unsigned UTF-8 order, and the
 * stage digest changes exactly when the stage does.
 */
public abstract class MetadataStoreContract extends StoreContract {
    private MetadataStore meta() {
        return store.metadata();
    }

    private static ObjectId id(int n) {
        byte[] b = {(byte) n, (byte) (n >> 8)};
        return Blake3.newHasher().hash(b, 0, b.length);
    }

    private static StageEntry entry(String path, int n) {
        return new StageEntry(path, FileKind.FILE, new ContentRef(ObjectType.CHUNK, id(n), n));
    }

    private List<StageEntry> stage() {
        List<StageEntry> out = new ArrayList<>();
        meta().forEachStage(out::add);
        return out;
    }

    private long digest() {
        return meta().forEachStage(e -> {});
    }

    private static Operation op(String command, long millis) {
        return new Operation(
                Instant.ofEpochMilli(millis),
                command,
                new Head.OnBranch("main").encode(),
                new Head.Detached(id(1)).encode(),
                List.of(
                        new Operation.RefChange("refs/heads/main", null, id(2)),
                        new Operation.RefChange("refs/heads/old", id(3), null)),
                null,
                id(4),
                true,
                List.of(
                        new Operation.RemoteChange("origin", null, "s3://bucket/repo"),
                        new Operation.RemoteChange("backup", "/mnt/old", "/mnt/new"),
                        new Operation.RemoteChange("gone", "/mnt/gone", null)));
    }

    @Test
    void aNewStoreIsEmptyAndOnTheDefaultBranch() {
        assertEmpty();
    }

    private void assertEmpty() {
        assertEquals(new Head.OnBranch("main"), meta().head());
        assertEquals(Map.of(), meta().refs(""));
        assertEquals(Optional.empty(), meta().ref("refs/heads/main"));
        assertEquals(List.of(), stage());
        assertEquals(Optional.empty(), meta().stageEntry("a"));
        assertEquals(Optional.empty(), meta().stageTree());
        assertEquals(Optional.empty(), meta().stat("a"));
        assertEquals(Map.of(), meta().remotes());
        assertEquals(Optional.empty(), meta().mergeState());
        assertEquals(List.of(), meta().operations(10));
    }

    @Test
    void nothingIsVisibleUntilCommitThenAllOfIt() {
        StatEntry stat =
                new StatEntry(5, 1_700_000_000_123_456_789L, 42, entry("a", 5).content());
        MergeState merge = new MergeState(id(1), id(2), "feature", null, List.of());
        MetadataStore.Update u = meta().newUpdate()
                .setRef("refs/heads/main", id(1))
                .setHead(new Head.OnBranch("dev"))
                .putStage(entry("a", 5))
                .setStageTree(id(9), 1234L)
                .putStat("a", stat)
                .setRemote("origin", "file:///remote")
                .setMergeState(merge)
                .record(op("commit", 1000));
        assertEmpty();
        u.commit();
        assertEquals(Optional.of(id(1)), meta().ref("refs/heads/main"));
        assertEquals(new Head.OnBranch("dev"), meta().head());
        assertEquals(List.of(entry("a", 5)), stage());
        assertEquals(Optional.of(entry("a", 5)), meta().stageEntry("a"));
        assertEquals(Optional.of(new MetadataStore.StageTree(id(9), 1234L)), meta().stageTree());
        assertEquals(Optional.of(stat), meta().stat("a"));
        assertEquals(Map.of("origin", "file:///remote"), meta().remotes());
        assertEquals(Optional.of(merge), meta().mergeState());
        assertEquals(List.of(op("commit", 1000)), meta().operations(10));
    }

    @Test
    void anUpdateAppliesItsChangesInTheOrderTheyWereAdded() {
        meta().newUpdate()
                .putStage(entry("old", 1))
                .setRef("refs/heads/gone", id(1))
                .commit();
        meta().newUpdate()
                .clearStage()
                .putStage(entry("new", 2))
                .putStage(entry("brief", 3))
                .deleteStage("brief")
                .deleteRef("refs/heads/gone")
                .setRef("refs/heads/gone", id(2))
                .setRef("refs/heads/x", id(3))
                .deleteRef("refs/heads/x")
                .setRemote("r", "one")
                .deleteRemote("r")
                .setMergeState(new MergeState(id(1), id(2), "b", id(3), List.of()))
                .clearMergeState()
                .commit();
        assertEquals(List.of(entry("new", 2)), stage());
        assertEquals(Map.of("refs/heads/gone", id(2)), meta().refs("refs/"));
        assertEquals(Map.of(), meta().remotes());
        assertEquals(Optional.empty(), meta().mergeState());
    }

    /** Two updates built side by side both apply; where they touch the same key the later commit wins. */
    @Test
    void readsSeeTheLastCommittedUpdate() {
        MetadataStore.Update first =
                meta().newUpdate().setRef("refs/heads/a", id(1)).setRef("refs/heads/c", id(1));
        MetadataStore.Update second =
                meta().newUpdate().setRef("refs/heads/b", id(2)).setRef("refs/heads/c", id(2));
        second.commit();
        first.commit();
        assertEquals(
                new TreeMap<>(Map.of("refs/heads/a", id(1), "refs/heads/b", id(2), "refs/heads/c", id(1))),
                meta().refs("refs/heads/"));
        meta().newUpdate().setHead(new Head.Detached(id(7))).commit();
        assertEquals(new Head.Detached(id(7)), meta().head());
    }

    @Test
    void refsAreListedByPrefixInNameOrder() {
        meta().newUpdate()
                .setRef("refs/tags/v1", id(1))
                .setRef("refs/heads/main", id(2))
                .setRef("refs/heads/feature", id(3))
                .setRef("refs/headsup", id(4))
                .setRef("refs/remotes/origin/main", id(5))
                .commit();
        assertEquals(
                List.of("refs/heads/feature", "refs/heads/main"),
                List.copyOf(meta().refs("refs/heads/").keySet()));
        assertEquals(
                List.of(
                        "refs/heads/feature",
                        "refs/heads/main",
                        "refs/headsup",
                        "refs/remotes/origin/main",
                        "refs/tags/v1"),
                List.copyOf(meta().refs("refs/").keySet()));
        assertEquals(id(5), meta().refs("refs/remotes/").get("refs/remotes/origin/main"));
        assertEquals(Map.of(), meta().refs("refs/notes/"));
    }

    /** Unsigned UTF-8 byte order, which is not Java's String order for characters beyond U+FFFF. */
    @Test
    void theStageViewFindsAndComparesWhatTheEntriesSay() {
        // ASCII, non-ASCII (2, 3 and 4 UTF-8 bytes), prefixes of each other, and many (hash collisions)
        List<String> paths = new ArrayList<>(List.of("a", "a/b", "a.b", "é", "\uFF01", "\uD83D\uDE00x", "Aa", "BB"));
        for (int i = 0; i < 300; i++) paths.add("seq/frame." + i + ".exr");
        MetadataStore.Update u = meta().newUpdate();
        for (int n = 0; n < paths.size(); n++) {
            String p = paths.get(n);
            FileKind kind = n % 3 == 1 ? FileKind.EXECUTABLE : n % 7 == 2 ? FileKind.SYMLINK : FileKind.FILE;
            u.putStage(new StageEntry(p, kind, new ContentRef(ObjectType.CHUNK, id(n), 1000L + n * 300L)));
            // no stat for every 5th; a stat whose content is not the stage's for every 4th
            if (n % 5 == 0) continue;
            ContentRef c = new ContentRef(ObjectType.CHUNK, id(n % 4 == 0 ? n + 1 : n), 1000L + n * 300L);
            u.putStat(p, new StatEntry(1000L + n * 300L, 1_704_067_200_123_456_789L + n, 7_000_000_000L + n, c));
        }
        u.commit();
        StageView v = meta().stageView();
        assertEquals(paths.size(), v.size());
        assertEquals(digest(), v.digest());
        assertEquals(-1, v.find("missing"));
        assertEquals(-1, v.find("a/"));
        assertEquals(-1, v.find("\u00e8"));
        for (int n = 0; n < paths.size(); n++) {
            String p = paths.get(n);
            int i = v.find(new String(p.toCharArray())); // a String whose hash is not cached yet
            assertTrue(i >= 0, p);
            StageEntry e = v.entry(i);
            assertEquals(p, e.path());
            assertEquals(meta().stageEntry(p).orElseThrow(), e);
            assertEquals(e.kind(), v.kind(i));
            assertEquals(e.content().size(), v.contentSize(i));
            long size = 1000L + n * 300L;
            long mtime = 1_704_067_200_123_456_789L + n;
            long inode = 7_000_000_000L + n;
            int want = n % 5 == 0
                    ? StageView.STAT_DIFFERS
                    : n % 4 == 0 ? StageView.STAT_OTHER_CONTENT : StageView.STAT_SAME_CONTENT;
            assertEquals(want, v.compareStat(i, size, mtime, inode), p);
            assertEquals(StageView.STAT_DIFFERS, v.compareStat(i, size + 1, mtime, inode), p);
            assertEquals(StageView.STAT_DIFFERS, v.compareStat(i, size, mtime - 1, inode), p);
            assertEquals(StageView.STAT_DIFFERS, v.compareStat(i, size, mtime, inode + 1), p);
        }
    }

    @Test
    void stageAndStatCacheAreInUnsignedUtf8Order() {
        List<String> paths = List.of("b", "a/b", "a.b", "a", "a0", "Z", "é", "\uFF01", "\uD83D\uDE00", "a/b/c");
        MetadataStore.Update u = meta().newUpdate();
        int n = 1;
        for (String p : paths) {
            u.putStage(entry(p, n));
            u.putStat(p, new StatEntry(n, n, n, entry(p, n).content()));
            n++;
        }
        u.commit();
        List<String> expected = new ArrayList<>(paths);
        expected.sort((x, y) ->
                Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8)));
        assertTrue(expected.indexOf("\uFF01") < expected.indexOf("\uD83D\uDE00"), "differs from String order");
        assertEquals(expected, stage().stream().map(StageEntry::path).toList());
        List<String> statPaths = new ArrayList<>();
        meta().forEachStat((p, e) -> {
            statPaths.add(p);
            assertEquals(e.content(), entry(p, (int) e.size()).content());
        });
        assertEquals(expected, statPaths);
        meta().newUpdate().deleteStat("a").commit();
        assertEquals(Optional.empty(), meta().stat("a"));
        int[] left = {0};
        meta().forEachStat((p, e) -> left[0]++);
        assertEquals(paths.size() - 1, left[0]);
    }

    @Test
    void theStageDigestChangesExactlyWhenTheStageDoes() {
        long empty = digest();
        meta().newUpdate().putStage(entry("a", 1)).putStage(entry("b", 2)).commit();
        long two = digest();
        assertNotEquals(empty, two);
        assertEquals(two, digest(), "reading does not change it");

        meta().newUpdate().putStage(entry("a", 1)).commit();
        assertEquals(two, digest(), "putting the same entry again changes nothing");

        meta().newUpdate().putStage(entry("a", 3)).commit();
        long changed = digest();
        assertNotEquals(two, changed, "a changed entry");
        meta().newUpdate()
                .putStage(new StageEntry("a", FileKind.EXECUTABLE, entry("a", 1).content()))
                .commit();
        assertNotEquals(two, digest(), "a changed kind");
        assertNotEquals(changed, digest());

        meta().newUpdate().putStage(entry("a", 1)).commit();
        assertEquals(two, digest(), "back to the same entries, back to the same digest");

        meta().newUpdate().deleteStage("b").commit();
        assertNotEquals(two, digest(), "a removed entry");
        meta().newUpdate().putStage(entry("b", 2)).commit();
        assertEquals(two, digest());

        meta().newUpdate().putStage(entry("c", 2)).commit();
        assertNotEquals(two, digest(), "an added entry");

        meta().newUpdate().clearStage().commit();
        assertEquals(empty, digest());
    }

    /** The recorded stage tree stays as written; a later stage change does not touch it (readers compare digests). */
    @Test
    void theStageTreeIsKeptWithItsDigest() {
        meta().newUpdate().putStage(entry("a", 1)).commit();
        long d = digest();
        meta().newUpdate().setStageTree(id(50), d).commit();
        assertEquals(Optional.of(new MetadataStore.StageTree(id(50), d)), meta().stageTree());
        meta().newUpdate().deleteStage("a").commit();
        assertEquals(Optional.of(new MetadataStore.StageTree(id(50), d)), meta().stageTree());
        assertNotEquals(d, digest());
        meta().newUpdate().setStageTree(id(51), digest()).commit();
        assertEquals(id(51), meta().stageTree().orElseThrow().tree());
    }

    @Test
    void aMergeStateComesBackWithItsMissingSides() {
        MergeState m = new MergeState(
                id(1),
                id(2),
                "feature",
                null,
                List.of(
                        new MergeState.Conflict("x.bin", null, entry("x.bin", 3), entry("x.bin", 4)),
                        new MergeState.Conflict(
                                "y.txt",
                                entry("y.txt", 5),
                                new StageEntry(
                                        "y.txt",
                                        FileKind.EXECUTABLE,
                                        entry("y.txt", 6).content()),
                                null)));
        meta().newUpdate().setMergeState(m).commit();
        assertEquals(Optional.of(m), meta().mergeState());
        meta().newUpdate().setMergeState(m.without("x.bin")).commit();
        assertEquals(
                List.of("y.txt"),
                meta().mergeState().orElseThrow().conflicts().stream()
                        .map(MergeState.Conflict::path)
                        .toList());
        meta().newUpdate().clearMergeState().commit();
        assertEquals(Optional.empty(), meta().mergeState());
    }

    /**
     * Operations come back newest first, as recorded, with and without remote changes (times to the
     * millisecond, the log's precision).
     */
    @Test
    void operationsAreNewestFirst() {
        meta().newUpdate().record(op("one", 1_000)).commit();
        meta().newUpdate().record(op("two", 2_000)).commit();
        meta().newUpdate().record(op("three", 2_000)).commit();
        Operation empty = new Operation(
                Instant.ofEpochMilli(3_000),
                "four",
                "ref: refs/heads/main",
                "ref: refs/heads/main",
                List.of(),
                null,
                null,
                false,
                List.of());
        meta().newUpdate().record(empty).commit();
        assertEquals(List.of(empty, op("three", 2_000)), meta().operations(2));
        assertEquals(
                List.of(empty, op("three", 2_000), op("two", 2_000), op("one", 1_000)),
                meta().operations(Integer.MAX_VALUE));
        assertEquals(List.of(), meta().operations(0));
    }

    @Test
    void remotesAreListedByName() {
        meta().newUpdate()
                .setRemote("origin", "s3://bucket/x")
                .setRemote("backup", "/mnt/backup")
                .setRemote("zeta", "https://example.invalid/r")
                .commit();
        assertEquals(
                List.of("backup", "origin", "zeta"),
                List.copyOf(meta().remotes().keySet()));
        meta().newUpdate()
                .setRemote("origin", "s3://bucket/y")
                .deleteRemote("zeta")
                .commit();
        assertEquals(new TreeMap<>(Map.of("backup", "/mnt/backup", "origin", "s3://bucket/y")), meta().remotes());
    }

    /** Everything committed is still there after the store is closed and opened again. */
    @Test
    void committedMetadataSurvivesAReopen() {
        StatEntry stat = new StatEntry(1, 2, 3, entry("a", 1).content());
        meta().newUpdate()
                .setRef("refs/heads/main", id(1))
                .setHead(new Head.Detached(id(1)))
                .putStage(entry("a", 1))
                .setStageTree(id(2), digest())
                .putStat("a", stat)
                .setRemote("origin", "/r")
                .setMergeState(new MergeState(id(1), id(2), "x", id(3), List.of()))
                .record(op("commit", 5_000))
                .commit();
        long d = digest();
        reopen();
        assertEquals(Optional.of(id(1)), meta().ref("refs/heads/main"));
        assertEquals(new Head.Detached(id(1)), meta().head());
        assertEquals(List.of(entry("a", 1)), stage());
        assertEquals(d, digest(), "the digest of an unchanged stage survives a reopen");
        assertEquals(Optional.of(stat), meta().stat("a"));
        assertEquals(Map.of("origin", "/r"), meta().remotes());
        assertEquals(id(3), meta().mergeState().orElseThrow().base());
        assertEquals(List.of(op("commit", 5_000)), meta().operations(5));
    }
}
