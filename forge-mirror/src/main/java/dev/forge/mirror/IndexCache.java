package dev.forge.mirror;

import dev.forge.core.error.ForgeException;
import dev.forge.core.hash.Blake3;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.format.PackIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * The remote's pack indexes, mirrored under {@code .forge/remotes/<name>/idx/}. A pack index never
 * changes once written (it is named by its own hash), so each is downloaded once: a sync lists
 * {@code packs/}, fetches only the indexes it has not seen, checks each against its name, and loads
 * them all into a {@link RemoteIndex}.
 */
final class IndexCache {
    static final Pattern IDX = Pattern.compile("packs/([0-9a-f]{64})\\.idx");

    private final BlobStore blobs;
    private final Path dir;
    private final int parallelism;

    IndexCache(BlobStore blobs, Path dir, int parallelism) {
        this.blobs = blobs;
        this.dir = dir;
        this.parallelism = parallelism;
    }

    record Synced(RemoteIndex index, int downloaded, int packs) {}

    Synced sync() {
        List<String> ids = new ArrayList<>();
        for (BlobStore.BlobInfo b : blobs.list("packs/")) {
            var m = IDX.matcher(b.name());
            if (!m.matches()) continue;
            if (b.length() > PackIndex.MAX_BYTES) {
                throw new dev.forge.core.error.IntegrityException("pack index " + blobs.describe() + "/" + b.name()
                        + " is " + b.length() + " bytes, more than a pack index can be (" + PackIndex.MAX_BYTES
                        + "); the remote is damaged");
            }
            ids.add(m.group(1));
        }
        List<String> missing = new ArrayList<>();
        for (String id : ids) if (!Files.exists(dir.resolve(id + ".idx"))) missing.add(id);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ForgeException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        if (!missing.isEmpty()) download(missing);
        RemoteIndex index = new RemoteIndex();
        var hasher = Blake3.newHasher();
        for (String id : ids) {
            Path p = dir.resolve(id + ".idx");
            try {
                index.add(PackIndex.parse(id, Files.readAllBytes(p), hasher, p.toString()));
            } catch (NoSuchFileException e) {
                throw new ForgeException("the pack index cache " + p + " vanished during the sync", e);
            } catch (IOException e) {
                throw new ForgeException("cannot read " + p + ": " + e.getMessage(), e);
            }
        }
        return new Synced(index, missing.size(), ids.size());
    }

    /** Records an index this client just uploaded, so the next sync need not download it. */
    void remember(String id, Path indexFile) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(id + ".idx.part");
            Files.copy(indexFile, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(
                    tmp, dir.resolve(id + ".idx"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ForgeException("cannot write " + dir + ": " + e.getMessage(), e);
        }
    }

    /** As {@link #remember(String, Path)}, from the index's bytes. */
    void remember(String id, byte[] index) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(id + ".idx.part");
            Files.write(tmp, index);
            Files.move(
                    tmp, dir.resolve(id + ".idx"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ForgeException("cannot write " + dir + ": " + e.getMessage(), e);
        }
    }

    private void download(List<String> ids) {
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, ids.size()))) {
            List<Future<?>> futures = new ArrayList<>();
            for (String id : ids) {
                futures.add(pool.submit(() -> {
                    String name = "packs/" + id + ".idx";
                    byte[] data = blobs.get(name)
                            .orElseThrow(() -> new ForgeException(
                                    "pack index " + name + " vanished from " + blobs.describe() + " while being read"))
                            .data();
                    PackIndex.parse(id, data, Blake3.newHasher(), blobs.describe() + "/" + name);
                    Path tmp = dir.resolve(
                            id + ".idx.part" + Thread.currentThread().threadId());
                    Files.write(tmp, data);
                    Files.move(
                            tmp,
                            dir.resolve(id + ".idx"),
                            StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                    return null;
                }));
            }
            Parallel.awaitAll(futures);
        }
    }
}
