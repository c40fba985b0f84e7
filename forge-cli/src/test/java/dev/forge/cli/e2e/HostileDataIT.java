package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.ForgeProcess.run;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.cli.ExitCode;
import dev.forge.core.chunk.ChunkerParams;
import dev.forge.core.codec.Codec;
import dev.forge.core.hash.Blake3;
import dev.forge.core.hash.Blake3Hasher;
import dev.forge.core.model.Commit;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.model.Tree;
import dev.forge.core.model.TreeEntry;
import dev.forge.mirror.format.PackIndex;
import dev.forge.mirror.format.RemoteConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crafted data through dist/forge: a folder remote built here with forge-core's encoders (records
 * whose lengths lie, a tree thousands of folders deep) and local packs whose record headers lie. Every
 * case must end in exit 5 with one line naming the object, never an internal error, a request for
 * more memory or a stack overflow, and a failed clone must leave no folder.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class HostileDataIT {
    @TempDir
    Path tmp;

    @BeforeAll
    static void built() {
        ForgeProcess.forge();
    }

    /** A remote folder written record by record: one pack, its index, a config and one branch. */
    static final class CraftedRemote {
        private record Rec(ObjectId id, ObjectType type, Codec codec, int rawLength, byte[] payload) {}

        private final Blake3Hasher hasher = Blake3.newHasher();
        private final List<Rec> records = new ArrayList<>();

        /** Stores {@code raw} as it should be: raw codec, its true length and id. */
        ObjectId put(ObjectType type, byte[] raw) {
            ObjectId id = hasher.hash(type, raw, 0, raw.length);
            records.add(new Rec(id, type, Codec.RAW, raw.length, raw));
            return id;
        }

        /** A record whose header and index entry claim {@code rawLength} (unsigned) for a short payload. */
        ObjectId lie(ObjectType type, Codec codec, int rawLength, byte[] payload) {
            ObjectId id = hasher.hash(type, payload, 0, payload.length);
            records.add(new Rec(id, type, codec, rawLength, payload));
            return id;
        }

        ObjectId tree(TreeEntry... entries) {
            return put(ObjectType.TREE, new Tree(List.of(entries)).encode());
        }

        ObjectId commit(ObjectId tree) {
            Commit c = new Commit(
                    tree,
                    List.of(),
                    ForgeProcess.AUTHOR,
                    OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
                    "crafted");
            return put(ObjectType.COMMIT, c.encode());
        }

        /** Writes the remote into {@code dir} with {@code main} at {@code commit}. */
        void write(Path dir, ObjectId commit) throws IOException {
            ByteArrayOutputStream pack = new ByteArrayOutputStream();
            ByteBuffer header = ByteBuffer.allocate(16).put("FRGPACK\0".getBytes(StandardCharsets.US_ASCII));
            pack.writeBytes(header.putInt(1).putInt(0).array());
            CRC32C area = new CRC32C();
            List<PackIndex.Entry> entries = new ArrayList<>();
            for (Rec r : records) {
                long offset = pack.size();
                ByteBuffer h = ByteBuffer.allocate(48)
                        .put((byte) 0xFB)
                        .put((byte) r.type().code())
                        .put((byte) r.codec().code())
                        .put((byte) 0)
                        .put(r.id().toBytes())
                        .putInt(r.rawLength())
                        .putInt(r.payload().length);
                CRC32C crc = new CRC32C();
                crc.update(h.array(), 0, 44);
                crc.update(r.payload());
                h.putInt((int) crc.getValue());
                pack.writeBytes(h.array());
                pack.writeBytes(r.payload());
                area.update(h.array());
                area.update(r.payload());
                entries.add(
                        new PackIndex.Entry(r.id(), r.type(), r.codec(), r.rawLength(), r.payload().length, offset));
            }
            int count = records.size();
            ByteBuffer t = ByteBuffer.allocate(32).put("FRGPEND\0".getBytes(StandardCharsets.US_ASCII));
            t.putInt(1).putInt(count).putLong(pack.size() - 16L).putInt((int) area.getValue());
            CRC32C tc = new CRC32C();
            tc.update(t.array(), 0, 28);
            t.putInt((int) tc.getValue());
            pack.writeBytes(t.array());
            byte[] idx = PackIndex.encode(entries, pack.size());
            String packId = PackIndex.packIdOf(idx, hasher);
            Files.createDirectories(dir.resolve("packs"));
            Files.createDirectories(dir.resolve("refs/heads"));
            Files.write(
                    dir.resolve("config"),
                    RemoteConfig.of(ChunkerParams.DEFAULT).encode());
            Files.write(dir.resolve("packs/" + packId + ".pack"), pack.toByteArray());
            Files.write(dir.resolve("packs/" + packId + ".idx"), idx);
            Files.writeString(dir.resolve("refs/heads/main"), commit.hex() + "\n", StandardCharsets.US_ASCII);
        }
    }

    /** The clone fails with one line and exit 5 naming {@code object}, and leaves no folder. */
    private ForgeProcess.Result cloneFails(Path remote, String object) {
        ForgeProcess.Result r = run(tmp, "clone", remote.toString(), "out")
                .expect(ExitCode.INTEGRITY.code())
                .oneLineError();
        assertTrue(r.stderr().contains(object), () -> "the error should name " + object + ": " + r.describe());
        assertFalse(r.stderr().contains("internal error"), r::describe);
        assertFalse(r.stderr().contains("Xmx") || r.stderr().contains("memory"), r::describe);
        assertFalse(Files.exists(tmp.resolve("out")), () -> "a failed clone leaves no folder: " + r.describe());
        return r;
    }

    @Test
    void recordsClaimingGigabytesAreRefusedBeforeAnythingIsAllocated() throws IOException {
        int[] claims = {-1 /* 2^32-1 */, Integer.MAX_VALUE - 100 /* 2^31-101 */};
        for (int i = 0; i < claims.length; i++) {
            CraftedRemote c = new CraftedRemote();
            byte[] payload = new byte[100];
            new Random(i).nextBytes(payload);
            ObjectId liar = c.lie(ObjectType.CHUNK, Codec.LZ4, claims[i], payload);
            ObjectId tree = c.tree(
                    new TreeEntry("big.bin", FileKind.FILE, ObjectType.CHUNK, liar, Integer.toUnsignedLong(claims[i])));
            Path remote = tmp.resolve("remote" + i);
            c.write(remote, c.commit(tree));
            cloneFails(remote, liar.shortHex());

            // The same through fetch into an existing repository: nothing moves.
            Path repo = Files.createDirectories(tmp.resolve("repo" + i));
            run(repo, "init").ok();
            run(repo, "remote", "add", "origin", remote.toString()).ok();
            ForgeProcess.Result f =
                    run(repo, "fetch").expect(ExitCode.INTEGRITY.code()).oneLineError();
            assertTrue(f.stderr().contains(liar.shortHex()), f::describe);
            run(repo, "log", "origin/main").expect(ExitCode.NOT_FOUND.code()); // the tracking ref did not move
        }
    }

    @Test
    void aTreeThousandsOfFoldersDeepIsRefusedWithoutOverflowingTheStack() throws IOException {
        CraftedRemote c = new CraftedRemote();
        byte[] hello = "hello\n".getBytes(StandardCharsets.UTF_8);
        ObjectId chunk = c.put(ObjectType.CHUNK, hello);
        ObjectId tree = c.tree(new TreeEntry("f.txt", FileKind.FILE, ObjectType.CHUNK, chunk, hello.length));
        List<ObjectId> levels = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            tree = c.tree(new TreeEntry("d", FileKind.DIRECTORY, ObjectType.TREE, tree, hello.length));
            levels.add(tree);
        }
        Path remote = tmp.resolve("deep");
        c.write(remote, c.commit(tree));
        // Level 2048 from the top is the first one refused.
        ObjectId refused = levels.get(levels.size() - 1 - Tree.MAX_DEPTH);
        ForgeProcess.Result r = cloneFails(remote, refused.shortHex());
        assertTrue(r.stderr().contains("deep"), r::describe);
    }

    /** Rewrites the raw length in a record's header and its CRC, as a crafted pack would have them. */
    static void claimRawLength(Path pack, long recordOffset, int rawLength) throws IOException {
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer h = ByteBuffer.allocate(48);
            ch.read(h, recordOffset);
            int stored = h.getInt(40);
            ByteBuffer payload = ByteBuffer.allocate(stored);
            ch.read(payload, recordOffset + 48);
            h.putInt(36, rawLength);
            h.put(2, (byte) Codec.LZ4.code());
            CRC32C crc = new CRC32C();
            crc.update(h.array(), 0, 44);
            crc.update(payload.array());
            h.putInt(44, (int) crc.getValue());
            ch.write(ByteBuffer.wrap(h.array(), 0, 48), recordOffset);
        }
    }

    @Test
    void aLocalPackRecordClaimingGigabytesIsDamageNotAnOutOfMemoryError() throws IOException {
        for (int claim : new int[] {-1, Integer.MAX_VALUE - 100}) {
            Path repo = Files.createDirectories(tmp.resolve("local" + Integer.toUnsignedString(claim)));
            run(repo, "init").ok();
            byte[] data = new byte[200_000];
            new Random(3).nextBytes(data);
            Files.write(repo.resolve("data.bin"), data);
            run(repo, "add", ".").ok();
            run(repo, "commit", "-m", "one").ok();
            Path pack = null;
            long offset = 0;
            for (Path p : IntegrityIT.packs(repo)) {
                for (IntegrityIT.PackRecord rec : IntegrityIT.records(p)) {
                    if (rec.type() == IntegrityIT.TYPE_CHUNK && rec.rawLength() > 10_000) {
                        pack = p;
                        offset = rec.offset();
                    }
                }
            }
            assertTrue(pack != null, "a chunk record of data.bin");
            claimRawLength(pack, offset, claim);
            for (String[] cmd :
                    new String[][] {{"fsck"}, {"show", "HEAD:data.bin"}, {"checkout", "HEAD", "--into", "x"}}) {
                ForgeProcess.Result r = run(repo, cmd).expect(ExitCode.INTEGRITY.code());
                assertTrue(r.stderr().contains("offset " + offset), r::describe);
                assertFalse(r.stderr().contains("internal error") || r.stderr().contains("Xmx"), r::describe);
            }
        }
    }
}
