package dev.forge.mirror;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.BlobStore;
import dev.forge.core.repo.Add;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.CommitOp;
import dev.forge.core.repo.Fsck;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Status;
import dev.forge.mirror.blob.FileBlobStore;
import dev.forge.mirror.blob.ForwardingBlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The protocol over file:// remotes, plus what only a local folder can show (interrupting a push). */
class FileRemoteTest extends RemoteProtocolContract {
    private final AtomicInteger n = new AtomicInteger();

    @Override
    protected String newRemoteUrl() {
        return tmp.resolve("remote-" + n.incrementAndGet()).toString();
    }

    /**
     * Fails every index upload after the first {@code allowed}: a push killed half way. With {@code
     * drafts}, packs are written into the folder's drafts as through a remote's own stack; without,
     * staged in outgoing/ and copied, as for an object store.
     */
    static final class FailingIndexUploads extends ForwardingBlobStore {
        final AtomicInteger allowed;
        final boolean drafts;

        FailingIndexUploads(BlobStore inner, int allowed, boolean drafts) {
            super(inner);
            this.allowed = new AtomicInteger(allowed);
            this.drafts = drafts;
        }

        @Override
        public java.util.Optional<Draft> draft(String folder) {
            return drafts ? inner().draft(folder) : java.util.Optional.empty();
        }

        @Override
        public void put(String name, byte[] data) {
            if (name.endsWith(".idx") && allowed.getAndDecrement() <= 0) {
                throw new RemoteUnavailableException("network cable pulled", false);
            }
            super.put(name, data);
        }
    }

    /** A commit whose tree nests {@code levels} folders: what a hostile remote could hand out. */
    static ObjectId deepCommit(Repository repo, int levels) {
        var hasher = dev.forge.core.hash.Blake3.newHasher();
        byte[] hello = "hello\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (var w = repo.objectStore().newWriter()) {
            java.util.function.BiFunction<dev.forge.core.model.ObjectType, byte[], ObjectId> put = (type, raw) -> {
                ObjectId id = hasher.hash(type, raw, 0, raw.length);
                w.put(id, type, dev.forge.core.codec.Codec.RAW, raw.length, raw, 0, raw.length);
                return id;
            };
            ObjectId tree = put.apply(
                    dev.forge.core.model.ObjectType.TREE,
                    new dev.forge.core.model.Tree(java.util.List.of(new dev.forge.core.model.TreeEntry(
                                    "f.txt",
                                    dev.forge.core.model.FileKind.FILE,
                                    dev.forge.core.model.ObjectType.CHUNK,
                                    put.apply(dev.forge.core.model.ObjectType.CHUNK, hello),
                                    hello.length)))
                            .encode());
            for (int i = 0; i < levels; i++) {
                tree = put.apply(
                        dev.forge.core.model.ObjectType.TREE,
                        new dev.forge.core.model.Tree(java.util.List.of(new dev.forge.core.model.TreeEntry(
                                        "d",
                                        dev.forge.core.model.FileKind.DIRECTORY,
                                        dev.forge.core.model.ObjectType.TREE,
                                        tree,
                                        hello.length)))
                                .encode());
            }
            return put.apply(
                    dev.forge.core.model.ObjectType.COMMIT,
                    new dev.forge.core.model.Commit(
                                    tree,
                                    java.util.List.of(),
                                    "Test <t@forge.invalid>",
                                    java.time.OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, java.time.ZoneOffset.UTC),
                                    "deep")
                            .encode());
        }
    }

    @Test
    void aTreeDeeperThanForgeReadsIsPushedWithoutRecursionAndRefusedByClone() throws Exception {
        Path remoteDir = tmp.resolve("remote");
        Path a = Files.createDirectories(tmp.resolve("a"));
        try (Repository repo = init(a)) {
            ObjectId commit = deepCommit(repo, 10_000);
            repo.begin("test").setRef("refs/heads/main", commit).commit();
            addRemote(repo, remoteDir.toString());
            assertEquals(commit, push(repo, "main").commit());
        }
        Path b = tmp.resolve("b");
        var e = assertThrows(dev.forge.core.error.IntegrityException.class, () -> cloneTo(remoteDir.toString(), b));
        assertTrue(e.getMessage().contains("nested more than"), e.getMessage());
        assertTrue(Files.notExists(b), "a failed clone leaves no folder");
    }

    @Test
    void anInterruptedPushRunAgainDoesNotResendPacksThatArrived() throws Exception {
        anInterruptedPushRunAgain(false);
    }

    /** The same with the packs written into the folder's drafts: a failed push drops every draft. */
    @Test
    void anInterruptedPushWritingDraftsLeavesNoTemporaryFileAndRunAgainFinishes() throws Exception {
        anInterruptedPushRunAgain(true);
    }

    /** Every file in the remote's packs folder, hidden ones (temporary files) included. */
    static java.util.List<String> packFiles(Path remoteDir) throws java.io.IOException {
        Path packs = remoteDir.resolve("packs");
        if (!Files.isDirectory(packs)) return java.util.List.of();
        try (var l = Files.list(packs)) {
            return l.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Every file under the remote's outgoing/ staging folder here. */
    static java.util.List<Path> staged(Repository repo) throws java.io.IOException {
        Path outgoing = repo.forgeDir().resolve("remotes/origin/outgoing");
        if (!Files.isDirectory(outgoing)) return java.util.List.of();
        try (var w = Files.walk(outgoing)) {
            return w.filter(Files::isRegularFile).toList();
        }
    }

    /**
     * A push to a folder writes each pack once, straight into the remote (a draft published by
     * rename): nothing is staged in outgoing/, no file is copied in, no temporary file stays.
     */
    @Test
    void aPushToAFolderStagesNothingAndCopiesNoFile() throws Exception {
        Path remoteDir = tmp.resolve("remote");
        Path a = Files.createDirectories(tmp.resolve("a"));
        for (int i = 0; i < 4; i++) Files.write(a.resolve("f" + i + ".bin"), random(40 + i, 1_500_000));
        java.util.List<String> copied = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        try (Repository repo = init(a)) {
            ObjectId v1 = commit(repo, "v1");
            addRemote(repo, remoteDir.toString());
            BlobStore recording = new ForwardingBlobStore(new FileBlobStore(remoteDir)) {
                @Override
                public void put(String name, Path file) {
                    copied.add(name);
                    super.put(name, file);
                }

                @Override
                public long putResuming(String name, Path file) {
                    copied.add(name);
                    return super.putResuming(name, file);
                }

                @Override
                public java.util.Optional<Draft> draft(String folder) {
                    return inner().draft(folder);
                }
            };
            try (Remote r = Remote.over("origin", recording, repo.forgeDir(), 2)) {
                Push.Result pushed = new Push(repo, r).packSize(1 << 20).run("main", "main", P);
                assertEquals(v1, pushed.commit());
                assertTrue(pushed.packs() >= 4, "packs: " + pushed.packs());
                assertTrue(pushed.bytesSent() >= 6_000_000, "published packs count as sent: " + pushed.bytesSent());
            }
            assertEquals(java.util.List.of(), copied, "no file was copied to the remote");
            assertEquals(java.util.List.of(), staged(repo), "nothing is staged");
        }
        assertTrue(packFiles(remoteDir).stream().noneMatch(f -> f.startsWith(".")), packFiles(remoteDir)::toString);
        Path b = tmp.resolve("b");
        cloneTo(remoteDir.toString(), b);
        assertSameFiles(a, b);
    }

    private void anInterruptedPushRunAgain(boolean drafts) throws Exception {
        Path remoteDir = tmp.resolve("remote");
        Path a = tmp.resolve("a");
        Files.createDirectories(a);
        for (int i = 0; i < 6; i++) Files.write(a.resolve("f" + i + ".bin"), random(i, 1_500_000));
        try (Repository repo = init(a)) {
            ObjectId v1 = commit(repo, "v1");
            addRemote(repo, remoteDir.toString());
            long total;
            try (Remote r = Remote.over(
                    "origin", new FailingIndexUploads(new FileBlobStore(remoteDir), 2, drafts), repo.forgeDir(), 1)) {
                assertThrows(
                        RemoteUnavailableException.class,
                        () -> new Push(repo, r).packSize(1 << 20).run("main", "main", P));
                total = r.meter().bytesSent();
            }
            if (drafts) {
                java.util.List<String> files = packFiles(remoteDir);
                assertTrue(
                        files.stream().noneMatch(f -> f.startsWith(".")),
                        "the failed push dropped its drafts: " + files);
                java.util.List<Path> staged = staged(repo);
                assertTrue(staged.stream().noneMatch(f -> f.toString().endsWith(".pack")), "nothing staged: " + staged);
            }
            assertTrue(
                    new FileBlobStore(remoteDir).get("refs/heads/main").isEmpty(),
                    "the ref does not move before everything is up");
            try (Remote r = Remote.over("origin", new FileBlobStore(remoteDir), repo.forgeDir(), 4)) {
                Push.Result again = new Push(repo, r).packSize(1 << 20).run("main", "main", P);
                assertEquals(v1, again.commit());
                assertTrue(again.packsResumed() >= 1, "the pack whose index failed is finished, not rebuilt");
                assertTrue(
                        again.bytesSent() < 9_000_000 - total + 1_100_000,
                        "first attempt sent " + total + ", the second " + again.bytesSent() + " of ~9 MB");
            }
        }
        Path b = tmp.resolve("b");
        cloneTo(remoteDir.toString(), b);
        assertSameFiles(a, b);
    }

    /** Fails every ranged read after the first {@code allowed}: a fetch killed half way. */
    static final class FailingRangedReads extends ForwardingBlobStore {
        final AtomicInteger allowed;

        FailingRangedReads(BlobStore inner, int allowed) {
            super(inner);
            this.allowed = new AtomicInteger(allowed);
        }

        @Override
        public byte[] get(String name, long offset, int length) {
            if (allowed.getAndDecrement() <= 0) throw new RemoteUnavailableException("network cable pulled", false);
            return super.get(name, offset, length);
        }
    }

    @Test
    void anInterruptedFetchKeepsWhatArrivedAndMovesNoRef() throws Exception {
        Path remoteDir = tmp.resolve("remote");
        Path a = tmp.resolve("a");
        Files.createDirectories(a);
        for (int i = 0; i < 8; i++) Files.write(a.resolve("f" + i + ".bin"), random(i, 3_000_000));
        try (Repository repo = init(a)) {
            commit(repo, "v1");
            addRemote(repo, remoteDir.toString());
            push(repo, "main");
        }
        Path b = tmp.resolve("b");
        Files.createDirectories(b);
        try (Repository repo = init(b)) {
            addRemote(repo, remoteDir.toString());
            try (Remote r = Remote.over(
                    "origin", new FailingRangedReads(new FileBlobStore(remoteDir), 12), repo.forgeDir(), 1)) {
                assertThrows(RemoteUnavailableException.class, () -> new Fetch(repo, r).run(P));
            }
            assertTrue(repo.ref("refs/remotes/origin/main").isEmpty(), "no tracking ref before everything arrived");
            long again;
            try (Remote r = origin(repo)) {
                Fetch.Result f = new Fetch(repo, r).run(P);
                again = f.bytesReceived();
                assertEquals(1, f.updates().size());
            }
            assertTrue(
                    again < 24_000_000 - 6_000_000,
                    "the second fetch received " + again
                            + " of ~24 MB: it must not fetch again what arrived (packs of 1 MiB, 9 of them read)");
            assertTrue(new Fsck(repo).run(P).problems().isEmpty());
        }
    }

    @Test
    void aPathFilteredFetchDownloadsOnlyThoseFilesChunks() throws Exception {
        Path remoteDir = tmp.resolve("remote");
        Path a = tmp.resolve("a");
        Files.createDirectories(a.resolve("shots"));
        Files.createDirectories(a.resolve("audio"));
        Files.write(a.resolve("shots/plate.bin"), random(1, 2_000_000));
        Files.write(a.resolve("audio/mix.bin"), random(2, 2_000_000));
        ObjectId v1;
        try (Repository repo = init(a)) {
            v1 = commit(repo, "v1");
            addRemote(repo, remoteDir.toString());
            push(repo, "main");
        }
        Path b = tmp.resolve("b");
        Files.createDirectories(b);
        try (Repository repo = init(b)) {
            addRemote(repo, remoteDir.toString());
            try (Remote r = origin(repo)) {
                Fetch.Result f = new Fetch(repo, r)
                        .onlyPaths(p -> p.startsWith("shots/"))
                        .run(P);
                assertTrue(f.bytesReceived() < 2_300_000, "received " + f.bytesReceived());
            }
            assertEquals(v1, repo.resolve("origin/main"));
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            new Checkout(repo).show("origin/main:shots/plate.bin", out);
            org.junit.jupiter.api.Assertions.assertArrayEquals(random(1, 2_000_000), out.toByteArray());
            assertThrows(
                    dev.forge.core.error.ForgeException.class,
                    () -> new Checkout(repo).show("origin/main:audio/mix.bin", new java.io.ByteArrayOutputStream()));
        }
    }

    @Test
    void aSparseCloneHasOnlyItsPathsWorksNormallyAndCanWiden() throws Exception {
        Path remoteDir = tmp.resolve("remote");
        Path a = tmp.resolve("a");
        Files.createDirectories(a.resolve("shots/010"));
        Files.createDirectories(a.resolve("audio"));
        Files.write(a.resolve("shots/010/plate.bin"), random(1, 2_000_000));
        Files.write(a.resolve("audio/mix.bin"), random(2, 3_000_000));
        Files.writeString(a.resolve("notes.txt"), "notes\n");
        try (Repository repo = init(a)) {
            commit(repo, "v1");
            addRemote(repo, remoteDir.toString());
            push(repo, "main");
        }
        Path b = tmp.resolve("b");
        Clone.Result c =
                new Clone(STORES).sparse(java.util.List.of("shots")).run(remoteDir.toString(), tmp, b, null, P);
        assertTrue(
                c.fetch().bytesReceived() < 2_400_000,
                "a sparse clone received " + c.fetch().bytesReceived());
        assertTrue(Files.exists(b.resolve("shots/010/plate.bin")));
        assertTrue(!Files.exists(b.resolve("audio/mix.bin")) && !Files.exists(b.resolve("notes.txt")));
        try (Repository clone = Repository.open(STORES, b)) {
            assertTrue(
                    new Status(clone).run(P).clean(),
                    () -> new Status(clone).run(P).toString());
            assertTrue(
                    new Fsck(clone).run(P).problems().isEmpty(),
                    () -> new Fsck(clone).run(P).problems().toString());
            // Work inside the sparse paths, commit everything (the other files stay in the commit), push.
            Files.write(b.resolve("shots/010/new.bin"), random(3, 500_000));
            new Add(clone).run(b, java.util.List.of("."), P);
            new CommitOp(clone).run("new shot", AUTHOR, false);
            push(clone, "main");
        }
        Path full = tmp.resolve("full");
        cloneTo(remoteDir.toString(), full);
        assertArrayEquals(random(2, 3_000_000), Files.readAllBytes(full.resolve("audio/mix.bin")));
        assertArrayEquals(random(3, 500_000), Files.readAllBytes(full.resolve("shots/010/new.bin")));
        assertEquals("notes\n", Files.readString(full.resolve("notes.txt")));
        try (Repository clone = Repository.open(STORES, b);
                Remote r = origin(clone)) {
            SparseAdd.Result added = new SparseAdd(clone, r).run(java.util.List.of("audio"), P);
            assertEquals(java.util.List.of("audio", "shots"), added.paths().paths());
            assertEquals(1, added.filesWritten());
            assertArrayEquals(random(2, 3_000_000), Files.readAllBytes(b.resolve("audio/mix.bin")));
            assertTrue(new Status(clone).run(P).clean());
            assertTrue(new Fsck(clone).run(P).problems().isEmpty());
        }
    }
}
