package dev.forge.core.repo;

import dev.forge.core.model.ChunkList;
import dev.forge.core.model.ContentRef;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.port.ObjectStore;
import dev.forge.core.port.StageEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chunks that {@code forge evict} (or {@code clone --lazy}) dropped from {@code .forge} because the
 * checked-out files hold them: the work tree is their local copy, so the repository plus work tree
 * take about one copy of the checked-out files, not two. When a command needs such a chunk (a
 * checkout of another version that shares most of a file, a merge, {@code checkout --into}), it is
 * read back from the work-tree file the stage says holds it, at the offset its chunk list gives,
 * hashed, and stored again only if the hash is the chunk's id. A file edited since is simply not a
 * source: its bytes do not hash to the id, and the chunk is fetched from the remote instead. So the
 * work tree is never trusted, only used.
 */
final class WorkTreeSource {
    /** Files kept open at once while chunks are read back. */
    private static final int OPEN_FILES = 64;

    private final Repository repo;
    private final ObjectStore store;

    WorkTreeSource(Repository repo) {
        this.repo = repo;
        this.store = repo.store().objects();
    }

    /** Where a chunk may be in the work tree. */
    private record Place(Path file, long offset, int length) {}

    /**
     * Stores here every missing chunk of {@code wanted} that an unchanged work-tree file holds, verified
     * by its id. Lists that are not here are skipped (their chunks are unknown until fetched).
     *
     * @return the number of bytes recovered from the work tree
     */
    long recover(Map<String, ContentRef> wanted) {
        Set<ObjectId> need = new HashSet<>();
        for (ContentRef c : wanted.values()) {
            if (c.type() == ObjectType.CHUNK) {
                if (!store.contains(c.id())) need.add(c.id());
            } else if (store.contains(c.id())) {
                for (ChunkList.ChunkRef r : repo.objects.list(c.id()).chunks())
                    if (!store.contains(r.id())) need.add(r.id());
            }
        }
        if (need.isEmpty()) return 0;
        // The file at the same path usually holds most of them (an edit keeps most chunks); the
        // whole stage, whose lists are read one by one, only for what is left.
        java.util.SortedMap<String, StageEntry> stage = repo.stage().entries();
        List<StageEntry> same = new ArrayList<>();
        for (String path : wanted.keySet()) {
            StageEntry e = stage.get(path);
            if (e != null) same.add(e);
        }
        Map<ObjectId, List<Place>> places = locate(need, same);
        if (!places.keySet().containsAll(need)) {
            Set<ObjectId> rest = new HashSet<>(need);
            rest.removeAll(places.keySet());
            locate(rest, stage.values())
                    .forEach((id, p) -> places.merge(id, p, (a, b) -> {
                        a.addAll(b);
                        return a;
                    }));
        }
        if (places.isEmpty()) return 0;
        long recovered = 0;
        Path root = repo.store().workTree();
        try (ObjectSink sink = new ObjectSink(
                store, repo.config().compression(), repo.config().chunking().maxSize())) {
            Map<Path, FileChannel> open = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Path, FileChannel> eldest) {
                    if (size() <= OPEN_FILES) return false;
                    closeQuietly(eldest.getValue());
                    return true;
                }
            };
            try {
                for (Map.Entry<ObjectId, List<Place>> e : places.entrySet()) {
                    for (Place p : e.getValue()) {
                        byte[] buf = read(open, root, p);
                        if (buf == null
                                || !sink.hasher().hash(buf, 0, buf.length).equals(e.getKey())) continue;
                        sink.putChunk(e.getKey(), buf, 0, buf.length, false);
                        recovered += buf.length;
                        break;
                    }
                }
            } finally {
                open.values().forEach(WorkTreeSource::closeQuietly);
            }
            sink.flush();
        }
        return recovered;
    }

    /** Where each needed chunk lies in the files of {@code entries} whose lists are here. */
    private Map<ObjectId, List<Place>> locate(Set<ObjectId> need, Collection<StageEntry> entries) {
        Map<ObjectId, List<Place>> places = new LinkedHashMap<>();
        for (StageEntry e : entries) {
            if (e.kind() == FileKind.SYMLINK) continue;
            ContentRef c = e.content();
            Path file = Path.of(e.path());
            if (c.type() == ObjectType.CHUNK) {
                if (need.contains(c.id()) && c.size() > 0)
                    places.computeIfAbsent(c.id(), k -> new ArrayList<>()).add(new Place(file, 0, (int) c.size()));
                continue;
            }
            if (!store.contains(c.id())) continue;
            long offset = 0;
            for (ChunkList.ChunkRef r : repo.objects.list(c.id()).chunks()) {
                if (need.contains(r.id()))
                    places.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(new Place(file, offset, r.length()));
                offset += r.length();
            }
        }
        return places;
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // opened for reading only: nothing to lose
        }
    }

    /** The bytes at {@code p}, or null when the file is gone, shorter, or unreadable. */
    private static byte[] read(Map<Path, FileChannel> open, Path root, Place p) {
        try {
            FileChannel ch = open.get(p.file());
            if (ch == null) {
                Path f = root.resolve(p.file().toString());
                if (!java.nio.file.Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return null;
                ch = FileChannel.open(f, StandardOpenOption.READ);
                open.put(p.file(), ch);
            }
            ByteBuffer b = ByteBuffer.allocate(p.length());
            long pos = p.offset();
            while (b.hasRemaining()) {
                int n = ch.read(b, pos);
                if (n < 0) return null;
                pos += n;
            }
            return b.array();
        } catch (IOException e) {
            return null; // gone, unreadable: not a source; the chunk is fetched from the remote instead
        }
    }
}
