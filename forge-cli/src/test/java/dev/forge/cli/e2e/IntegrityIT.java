package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.ForgeProcess.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.forge.cli.ExitCode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged packs, through dist/forge: fsck, show and checkout must exit 5 and say which pack and
 * offset. The pack layout (forge-storage PackFormat, docs/format.md) is parsed here independently:
 * 16-byte header, records of a 48-byte header (u8 0xFB, u8 type, u8 codec, u8 0, 32-byte id, u32 raw
 * length, u32 stored length, u32 CRC32C) + payload, 32-byte trailer; big-endian.
 *
 * <p>Not covered here: a hostile tree (entries named "..", "/abs", "a/../../x") can't be crafted
 * through the CLI; that belongs in a forge-core unit test.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class IntegrityIT {
    static final int HEADER = 16;
    static final int RECORD_HEADER = 48;
    static final int TRAILER = 32;
    static final int TYPE_CHUNK = 0;

    @TempDir
    Path tmp;

    Path repo;
    byte[] data;
    byte[] small = "a small file that lives in its own chunk\n".getBytes(StandardCharsets.UTF_8);

    record PackRecord(Path pack, long offset, int type, int rawLength, int storedLength) {
        long payloadOffset() {
            return offset + RECORD_HEADER;
        }
    }

    @BeforeAll
    static void built() {
        ForgeProcess.forge();
    }

    @BeforeEach
    void repoWithOneLargeFile() throws IOException {
        repo = Files.createDirectories(tmp.resolve("repo"));
        run(repo, "init").ok();
        data = new byte[3 << 20];
        new Random(5).nextBytes(data); // incompressible: stored as-is, several chunks
        Files.write(repo.resolve("data.bin"), data);
        Files.write(repo.resolve("small.txt"), small);
        run(repo, "add", ".").ok();
        run(repo, "commit", "-m", "data").ok();
        run(repo, "fsck").ok();
    }

    static List<Path> packs(Path repo) throws IOException {
        try (Stream<Path> s = Files.list(repo.resolve(".forge/packs"))) {
            List<Path> l = s.filter(p -> p.getFileName().toString().endsWith(".pack"))
                    .sorted()
                    .toList();
            assertFalse(l.isEmpty(), "no pack files in " + repo.resolve(".forge/packs"));
            return l;
        }
    }

    static List<PackRecord> records(Path pack) throws IOException {
        byte[] b = Files.readAllBytes(pack);
        ByteBuffer bb = ByteBuffer.wrap(b); // big-endian
        assertEquals("FRGPACK\0", new String(b, 0, 8, StandardCharsets.US_ASCII), "pack header magic of " + pack);
        List<PackRecord> out = new ArrayList<>();
        long pos = HEADER;
        long end = b.length - TRAILER;
        while (pos < end) {
            int p = (int) pos;
            assertEquals(0xFB, b[p] & 0xFF, "record marker at offset " + pos + " of " + pack);
            int type = b[p + 1] & 0xFF;
            int raw = bb.getInt(p + 36);
            int stored = bb.getInt(p + 40);
            out.add(new PackRecord(pack, pos, type, raw, stored));
            pos += RECORD_HEADER + stored;
        }
        assertEquals(end, pos, "records of " + pack + " do not end at its trailer");
        return out;
    }

    /** The largest chunk record that holds part of data.bin (raw length above small.txt's). */
    PackRecord dataChunk() throws IOException {
        List<PackRecord> all = new ArrayList<>();
        for (Path p : packs(repo)) all.addAll(records(p));
        return all.stream()
                .filter(r -> r.type() == TYPE_CHUNK && r.rawLength() > small.length && r.storedLength() > 64)
                .max(Comparator.comparingInt(PackRecord::storedLength))
                .orElseThrow(() -> new AssertionError("no chunk record of data.bin found in " + all));
    }

    static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, offset);
            one.flip();
            byte b = one.get();
            ch.write(ByteBuffer.wrap(new byte[] {(byte) (b ^ 0x5A)}), offset);
        }
    }

    /** The message names the pack (by file name) and an offset within [from, to]. */
    static void assertNamesPackAndOffset(ForgeProcess.Result r, Path pack, long from, long to) {
        String name = pack.getFileName().toString();
        String stem = name.substring(0, name.length() - ".pack".length());
        String out = r.output();
        assertTrue(out.contains(stem), () -> "the message should name pack " + name + ": " + r.describe());
        Matcher m = Pattern.compile("offset (\\d+)").matcher(out);
        List<Long> offsets = new ArrayList<>();
        while (m.find()) offsets.add(Long.parseLong(m.group(1)));
        assertTrue(
                offsets.stream().anyMatch(o -> o >= from && o <= to),
                () -> "the message should name an offset in [" + from + ", " + to + "], found " + offsets + ": "
                        + r.describe());
    }

    @Test
    void flippedPayloadByteIsReportedByFsckShowAndCheckout() throws IOException {
        PackRecord rec = dataChunk();
        long flipAt = rec.payloadOffset() + rec.storedLength() / 2;
        flipByte(rec.pack(), flipAt);

        ForgeProcess.Result fsck = run(repo, "fsck").expect(ExitCode.INTEGRITY.code());
        assertNamesPackAndOffset(fsck, rec.pack(), rec.offset(), flipAt);
        ForgeProcess.Result fsckJson = run(repo, "fsck", "--json").expect(ExitCode.INTEGRITY.code());
        assertFalse(E2eFiles.json(fsckJson).path("ok").asBoolean(), fsckJson::describe);
        assertTrue(E2eFiles.json(fsckJson).path("problems").size() >= 1, fsckJson::describe);

        ForgeProcess.Result show = run(repo, "show", "HEAD:data.bin")
                .expect(ExitCode.INTEGRITY.code())
                .oneLineError();
        assertTrue(show.stderr().contains("pack") && show.stderr().contains("offset"), show::describe);
        assertNamesPackAndOffset(show, rec.pack(), rec.offset(), flipAt);
        assertFalse(
                java.util.Arrays.equals(data, show.stdoutBytes()), "show must not claim success with damaged bytes");

        ForgeProcess.Result co = run(repo, "checkout", "HEAD", "--into", "../out")
                .expect(ExitCode.INTEGRITY.code())
                .oneLineError();
        assertTrue(co.stderr().contains("pack") && co.stderr().contains("offset"), co::describe);
        assertNamesPackAndOffset(co, rec.pack(), rec.offset(), flipAt);
        assertFalse(Files.exists(tmp.resolve("out")), "a checkout --into that fails part-way removes its folder");

        // The damage is local: the other file still reads back.
        assertArrayEquals(small, run(repo, "show", "HEAD:small.txt").ok().stdoutBytes());
    }

    @Test
    void truncatedPackIsReportedByFsck() throws IOException {
        PackRecord rec = dataChunk();
        long size = Files.size(rec.pack());
        long cut = rec.payloadOffset() + rec.storedLength() / 2; // in the middle of a data.bin chunk
        try (RandomAccessFile f = new RandomAccessFile(rec.pack().toFile(), "rw")) {
            f.setLength(cut);
        }
        assertTrue(Files.size(rec.pack()) < size);

        ForgeProcess.Result fsck = run(repo, "fsck").expect(ExitCode.INTEGRITY.code());
        String name = rec.pack().getFileName().toString();
        assertTrue(
                fsck.output().contains(name.substring(0, name.length() - 5)),
                () -> "fsck should name pack " + name + ": " + fsck.describe());

        ForgeProcess.Result show = run(repo, "show", "HEAD:data.bin")
                .expect(ExitCode.INTEGRITY.code())
                .oneLineError();
        assertTrue(show.stderr().contains("pack"), show::describe);
    }

    @Test
    void damagedTrailerIsReportedByFsck() throws IOException {
        PackRecord rec = dataChunk();
        long size = Files.size(rec.pack());
        flipByte(rec.pack(), size - TRAILER + 13); // inside the record count
        ForgeProcess.Result fsck = run(repo, "fsck").expect(ExitCode.INTEGRITY.code());
        String name = rec.pack().getFileName().toString();
        assertTrue(
                fsck.output().contains(name.substring(0, name.length() - 5)),
                () -> "fsck should name pack " + name + ": " + fsck.describe());
        if (!fsck.output().contains("offset")) fail("fsck should name the trailer's offset: " + fsck.describe());
    }

    static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        }
    }

    @Test
    void addingAFileWhoseChunksLieInATruncatedPackStoresThemAgain() throws IOException {
        PackRecord rec = dataChunk();
        truncate(rec.pack(), rec.payloadOffset() + rec.storedLength() / 2);
        // A new file with the same bytes: its chunks are "stored already", but not intact.
        Files.write(repo.resolve("copy.bin"), data);
        run(repo, "add", "copy.bin").ok();
        run(repo, "commit", "-m", "copy").ok();
        assertArrayEquals(data, run(repo, "show", "HEAD:copy.bin").ok().stdoutBytes(), "the new commit has its bytes");
        assertArrayEquals(data, run(repo, "show", "HEAD:data.bin").ok().stdoutBytes(), "and so has the old file");
        run(repo, "fsck").expect(ExitCode.INTEGRITY.code()); // the damaged bytes are still in the old pack
        run(repo, "gc").ok();
        run(repo, "fsck").ok();
        assertFalse(Files.exists(rec.pack()), "gc dropped the truncated pack");
    }

    @Test
    void addingAnUnchangedFileAfterFsckFoundItsChunkDamagedRepairsIt() throws IOException {
        // Make sure the stat cache vouches for data.bin, so that only the known damage makes add read it.
        Files.setLastModifiedTime(repo.resolve("data.bin"), java.nio.file.attribute.FileTime.fromMillis(1_000_000L));
        run(repo, "add", "data.bin").ok();
        ForgeProcess.Result cached = run(repo, "add", "data.bin", "--json").ok();
        assertEquals(0, E2eFiles.json(cached).path("filesRead").asInt(), cached::describe);
        PackRecord rec = dataChunk();
        flipByte(rec.pack(), rec.payloadOffset() + rec.storedLength() / 2);
        ForgeProcess.Result fsck = run(repo, "fsck").expect(ExitCode.INTEGRITY.code());
        assertTrue(fsck.stderr().contains("forge repair --remote"), () -> "fsck says what to do: " + fsck.describe());
        ForgeProcess.Result add = run(repo, "add", "data.bin", "--json").ok();
        assertEquals(1, E2eFiles.json(add).path("filesRead").asInt(), add::describe);
        assertArrayEquals(data, run(repo, "show", "HEAD:data.bin").ok().stdoutBytes());
        run(repo, "gc").ok();
        run(repo, "fsck").ok();
    }

    /**
     * A push reads every record it sends (on a second thread, ahead of the pack being written) and
     * verifies it: a damaged one stops the push with the integrity exit code naming pack and offset,
     * and the remote's branch is not created; once repaired from the file, the push goes through and a
     * clone gives the bytes back.
     */
    @Test
    void aPushThatMeetsADamagedLocalChunkFailsAndMovesNoBranch() throws IOException {
        Path remote = tmp.resolve("remote");
        run(repo, "remote", "add", "origin", remote.toString()).ok();
        PackRecord rec = dataChunk();
        long flipAt = rec.payloadOffset() + rec.storedLength() / 2;
        flipByte(rec.pack(), flipAt);
        ForgeProcess.Result push =
                run(repo, "push").expect(ExitCode.INTEGRITY.code()).oneLineError();
        assertNamesPackAndOffset(push, rec.pack(), rec.offset(), flipAt);
        // The pack it was writing straight into the remote folder was dropped: no file is left there
        // (not even a hidden temporary one), and nothing was staged here.
        try (var packs = Files.list(Files.createDirectories(remote.resolve("packs")))) {
            assertEquals(List.of(), packs.toList(), "the failed push left files in the remote's packs/");
        }
        Path outgoing = repo.resolve(".forge/remotes/origin/outgoing");
        if (Files.isDirectory(outgoing)) {
            try (var staged = Files.list(outgoing)) {
                assertEquals(List.of(), staged.toList(), "a push to a folder stages nothing");
            }
        }
        // The remote has no branch: a clone of it is empty.
        run(tmp, "clone", remote.toString(), "nothing").ok();
        assertFalse(Files.exists(tmp.resolve("nothing/data.bin")), "a branch reached the remote");

        flipByte(rec.pack(), flipAt); // the byte as it was
        run(repo, "push").ok();
        run(tmp, "clone", remote.toString(), "copy").ok();
        assertArrayEquals(data, Files.readAllBytes(tmp.resolve("copy/data.bin")));
    }

    @Test
    void fetchAndRepairDownloadDamagedObjectsAgainFromARemote() throws IOException {
        Path remote = tmp.resolve("remote");
        run(repo, "remote", "add", "origin", remote.toString()).ok();
        run(repo, "push").ok();
        PackRecord rec = dataChunk();
        truncate(rec.pack(), rec.payloadOffset() + rec.storedLength() / 2);

        ForgeProcess.Result fetch = run(repo, "fetch").ok();
        assertTrue(fetch.stdout().contains("Repaired"), fetch::describe);
        assertArrayEquals(data, run(repo, "show", "HEAD:data.bin").ok().stdoutBytes());
        assertTrue(run(repo, "fetch").ok().stdout().contains("up to date"), "nothing left to repair");
        run(repo, "gc").ok();
        run(repo, "fsck").ok();

        // A flipped byte nothing has read yet: repair finds it by reading every pack.
        PackRecord again = dataChunk();
        flipByte(again.pack(), again.payloadOffset() + again.storedLength() / 2);
        ForgeProcess.Result repair =
                run(repo, "repair", "--remote", "origin", "--json").ok();
        var r = E2eFiles.json(repair);
        assertEquals(1, r.path("damaged").size(), repair::describe);
        assertEquals(1, r.path("repaired").size(), repair::describe);
        assertEquals(0, r.path("missingOnRemote").size(), repair::describe);
        assertArrayEquals(data, run(repo, "show", "HEAD:data.bin").ok().stdoutBytes());
        run(repo, "gc").ok();
        run(repo, "fsck").ok();
    }

    @Test
    void repairNamesWhatTheRemoteDoesNotHave() throws IOException {
        Path remote = tmp.resolve("remote");
        run(repo, "remote", "add", "origin", remote.toString()).ok();
        run(repo, "push").ok();
        List<Path> before = packs(repo);
        byte[] later = new byte[1 << 20];
        new Random(6).nextBytes(later);
        Files.write(repo.resolve("later.bin"), later);
        run(repo, "add", "later.bin").ok();
        run(repo, "commit", "-m", "not pushed").ok();
        List<PackRecord> fresh = new ArrayList<>();
        for (Path p : packs(repo)) {
            if (!before.contains(p)) fresh.addAll(records(p));
        }
        PackRecord newest = fresh.stream()
                .filter(x -> x.type() == TYPE_CHUNK && x.storedLength() > 64)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no chunk of later.bin in " + fresh));
        flipByte(newest.pack(), newest.payloadOffset() + 7);
        ForgeProcess.Result repair = run(repo, "repair", "--remote", "origin")
                .expect(ExitCode.INTEGRITY.code())
                .oneLineError();
        assertTrue(repair.stderr().contains("not on origin"), repair::describe);
        run(repo, "fsck").expect(ExitCode.INTEGRITY.code());
        run(repo, "repair").expect(ExitCode.USAGE.code());
    }

    /** Every file under {@code dir} but .forge/, by relative path, with its bytes (a symlink: its target). */
    static java.util.SortedMap<String, String> snapshot(Path dir) throws IOException {
        java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                if (rel.isEmpty() || rel.equals(".forge") || rel.startsWith(".forge/")) continue;
                if (Files.isSymbolicLink(p)) out.put(rel, "-> " + Files.readSymbolicLink(p));
                else if (Files.isDirectory(p)) out.put(rel + "/", "");
                else
                    out.put(
                            rel,
                            java.util.HexFormat.of()
                                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                            .digest(Files.readAllBytes(p))));
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    @Test
    void aCheckoutThatMeetsDamageLeavesTheWorkTreeAsItWas() throws IOException {
        // Commit "old" = the base commit plus a small file that only it has; then main moves on.
        byte[] victim = new byte[777];
        new Random(11).nextBytes(victim);
        Files.write(repo.resolve("victim.bin"), victim);
        Files.writeString(repo.resolve("keep.txt"), "the same in both commits\n");
        run(repo, "add", ".").ok();
        run(repo, "commit", "-m", "old").ok();
        run(repo, "branch", "old").ok();
        byte[] other = new byte[2 << 20];
        new Random(12).nextBytes(other);
        Files.write(repo.resolve("data.bin"), other);
        Files.writeString(repo.resolve("small.txt"), "changed on main\n");
        Files.delete(repo.resolve("victim.bin"));
        Files.createDirectories(repo.resolve("sub"));
        Files.writeString(repo.resolve("sub/new.txt"), "only on main\n");
        run(repo, "add", ".").ok();
        run(repo, "commit", "-m", "main").ok();
        String head =
                E2eFiles.json(run(repo, "status", "--json").ok()).path("head").asText();

        // Damage the chunk of victim.bin: the smallest file, so the larger ones are written before it.
        List<PackRecord> all = new ArrayList<>();
        for (Path p : packs(repo)) all.addAll(records(p));
        PackRecord rec = all.stream()
                .filter(r -> r.type() == TYPE_CHUNK && r.rawLength() == victim.length)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no record of victim.bin in " + all));
        flipByte(rec.pack(), rec.payloadOffset() + 100);
        var before = snapshot(repo);

        for (List<String> cmd : List.of(
                List.of("checkout", "old"),
                List.of("switch", "old"),
                List.of("checkout", "old", "--force"),
                List.of("restore", "--source", "old", "data.bin", "small.txt", "victim.bin"))) {
            ForgeProcess.Result r = ForgeProcess.run(repo, ForgeProcess.DEFAULT_TIMEOUT, cmd)
                    .expect(ExitCode.INTEGRITY.code())
                    .oneLineError();
            assertTrue(r.stderr().contains(rec.pack().getFileName().toString().replace(".pack", "")), r::describe);
            assertEquals(before, snapshot(repo), () -> "the work tree changed: " + r.describe());
            var status = E2eFiles.json(run(repo, "status", "--json").ok());
            assertTrue(status.path("clean").asBoolean(), () -> cmd + " left changes: " + status);
            assertEquals("main", status.path("branch").asText(), status::toString);
            assertEquals(head, status.path("head").asText(), () -> cmd + " moved HEAD: " + status);
            try (Stream<Path> t = Files.list(repo.resolve(".forge/tmp"))) {
                List<Path> left = t.filter(p -> p.getFileName().toString().startsWith("wt-"))
                        .toList();
                assertEquals(List.of(), left, () -> cmd + " left temporary files");
            }
        }
    }
}
