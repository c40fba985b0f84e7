package dev.forge.mirror;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.model.ChunkList;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.model.RefNames;
import dev.forge.core.model.TreeEntry;
import dev.forge.core.port.ObjectStore;
import dev.forge.core.repo.ObjectReader;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.format.PackIndex;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code forge du [PATH]}: where the bytes of the checked-out version (HEAD) are, per path, with
 * folder totals as du gives them. Columns (docs/cli.md, "forge du"):
 *
 * <ul>
 *   <li>{@code size}: the files' logical size at HEAD;
 *   <li>{@code workTree}: the length of the files in the work tree now (0 for a missing file);
 *   <li>{@code local}: stored (compressed) bytes of the file's chunks present in the local store;
 *   <li>{@code remotes}: per remote, stored bytes of the chunks that its pack indexes list, as this
 *       clone last synced them ({@code .forge/remotes/NAME/idx}; no network: {@code forge fetch}
 *       refreshes them);
 *   <li>{@code shared}: stored bytes of the chunks that another path, or another version of the file,
 *       uses too (any (path, content) pair reachable from a local branch or tag other than this one).
 * </ul>
 *
 * A folder's stored columns count each chunk once (as du counts a hard-linked file once), so a folder
 * may be smaller than the sum of its files.
 */
public final class DiskUsage {
    private final Repository repo;
    private final ObjectStore store;
    private final ObjectReader objects;
    private final Map<ObjectId, List<ChunkList.ChunkRef>> chunksOf = new HashMap<>();

    public DiskUsage(Repository repo) {
        this.repo = repo;
        this.store = repo.objectStore();
        this.objects = repo.objects();
    }

    /** One path's figures; {@code remotes} in the order of {@link Report#remotes}. */
    public record Usage(
            String path,
            boolean directory,
            long files,
            long size,
            long workTree,
            long local,
            Map<String, Long> remotes,
            long shared) {}

    /** {@code rows}: every folder and file under the path, sorted, the path itself last. */
    public record Report(ObjectId commit, List<String> remotes, List<Usage> rows) {}

    /** The usage of {@code path} (repository-relative, "" for everything) at HEAD. */
    public Report run(String path) {
        ObjectId commit = repo.headCommit().orElse(null);
        SortedMap<String, String> configured = repo.remotes();
        List<String> names = List.copyOf(configured.keySet());
        if (commit == null) {
            return new Report(null, names, List.of(total(path, true, 0, 0, 0, Set.of(), Map.of(), names, Set.of())));
        }
        Map<String, RemoteIndex> indexes = new LinkedHashMap<>();
        for (String n : names)
            indexes.put(n, cached(repo.forgeDir().resolve("remotes").resolve(n).resolve("idx")));
        Map<ObjectId, Integer> uses = uses();

        // The files under path at HEAD.
        Map<String, TreeEntry> files = new TreeMap<>();
        walk(objects.commit(commit).tree(), "", files);
        String prefix = path.isEmpty() ? "" : path + "/";
        files.keySet().removeIf(p -> !p.equals(path) && !p.startsWith(prefix));
        if (files.isEmpty() && !path.isEmpty())
            throw new NotFoundException("'" + path + "' is not in the checked-out version (" + commit.shortHex() + ")");

        // Folder (and file) totals: logical and work-tree bytes summed, chunks gathered once.
        record Acc(long[] n, Set<ObjectId> chunks) {}
        Map<String, Acc> acc = new TreeMap<>();
        Set<String> dirs = new HashSet<>();
        for (Map.Entry<String, TreeEntry> f : files.entrySet()) {
            String p = f.getKey();
            TreeEntry e = f.getValue();
            long work = workTreeLength(p);
            List<ObjectId> chunks = new ArrayList<>();
            for (ChunkList.ChunkRef c : chunks(e)) chunks.add(c.id());
            List<String> owners = new ArrayList<>();
            owners.add(p);
            for (String d = parent(p); d != null && (d.length() >= path.length()); d = parent(d)) {
                if (!path.isEmpty() && !(d.equals(path) || d.startsWith(prefix))) break;
                owners.add(d);
                dirs.add(d);
                if (d.isEmpty()) break;
            }
            for (String o : owners) {
                Acc a = acc.computeIfAbsent(o, k -> new Acc(new long[3], new HashSet<>()));
                a.n()[0]++;
                a.n()[1] += e.size();
                a.n()[2] += work;
                a.chunks().addAll(chunks);
            }
        }
        List<Usage> rows = new ArrayList<>();
        Usage whole = null;
        for (Map.Entry<String, Acc> a : acc.entrySet()) {
            Usage u = total(
                    a.getKey(),
                    dirs.contains(a.getKey()),
                    a.getValue().n()[0],
                    a.getValue().n()[1],
                    a.getValue().n()[2],
                    a.getValue().chunks(),
                    indexes,
                    names,
                    sharedOf(a.getValue().chunks(), uses));
            if (a.getKey().equals(path)) whole = u;
            else rows.add(u);
        }
        if (whole != null) rows.add(whole);
        return new Report(commit, names, rows);
    }

    private Set<ObjectId> sharedOf(Set<ObjectId> chunks, Map<ObjectId, Integer> uses) {
        Set<ObjectId> out = new HashSet<>();
        for (ObjectId c : chunks) if (uses.getOrDefault(c, 0) > 1) out.add(c);
        return out;
    }

    private Usage total(
            String path,
            boolean dir,
            long files,
            long size,
            long work,
            Set<ObjectId> chunks,
            Map<String, RemoteIndex> indexes,
            List<String> names,
            Set<ObjectId> shared) {
        long local = 0;
        long sharedBytes = 0;
        Map<String, Long> remote = new LinkedHashMap<>();
        for (String n : names) remote.put(n, 0L);
        for (ObjectId c : chunks) {
            Optional<dev.forge.core.port.StoredObject> here = store.stat(c);
            long stored = -1;
            if (here.isPresent()) {
                stored = here.get().storedLength();
                local += stored;
            }
            for (String n : names) {
                RemoteIndex idx = indexes.get(n);
                Optional<RemoteIndex.Location> there = idx == null ? Optional.empty() : idx.locate(c);
                if (there.isPresent()) {
                    long s = there.get().entry().storedLength();
                    remote.merge(n, s, Long::sum);
                    if (stored < 0) stored = s;
                }
            }
            if (stored > 0 && shared.contains(c)) sharedBytes += stored;
        }
        return new Usage(path, dir, files, size, work, local, remote, sharedBytes);
    }

    /** The chunks of a file at HEAD: its list's, or the file itself when it is one chunk; none when the list is not here. */
    private List<ChunkList.ChunkRef> chunks(TreeEntry e) {
        if (e.kind() == FileKind.SYMLINK || e.type() != ObjectType.LIST)
            return List.of(new ChunkList.ChunkRef(e.id(), (int) e.size()));
        return chunksOf.computeIfAbsent(e.id(), id -> {
            if (!store.contains(id)) return List.of();
            try {
                return objects.list(id).chunks();
            } catch (ForgeException damaged) {
                return List.of();
            }
        });
    }

    /** How many distinct (path, content) pairs reachable from local branches and tags use each chunk. */
    private Map<ObjectId, Integer> uses() {
        List<ObjectId> tips = new ArrayList<>(repo.refs(RefNames.HEADS).values());
        tips.addAll(repo.refs(RefNames.TAGS).values());
        tips.removeIf(t -> !store.contains(t));
        Map<ObjectId, Integer> uses = new HashMap<>();
        Set<String> pairs = new HashSet<>();
        Set<String> trees = new HashSet<>();
        for (ObjectId c : objects.commitsBetween(tips, Set.of(), new HashSet<>())) {
            Deque<Map.Entry<String, ObjectId>> todo = new ArrayDeque<>();
            todo.push(Map.entry("", objects.commit(c).tree()));
            while (!todo.isEmpty()) {
                Map.Entry<String, ObjectId> t = todo.pop();
                if (!trees.add(t.getKey() + "\0" + t.getValue().hex())) continue;
                for (TreeEntry e : objects.tree(t.getValue()).entries()) {
                    String p = t.getKey().isEmpty() ? e.name() : t.getKey() + "/" + e.name();
                    if (e.kind() == FileKind.DIRECTORY) todo.push(Map.entry(p, e.id()));
                    else if (pairs.add(p + "\0" + e.id().hex())) {
                        Set<ObjectId> once = new HashSet<>();
                        for (ChunkList.ChunkRef r : chunks(e))
                            if (once.add(r.id())) uses.merge(r.id(), 1, Integer::sum);
                    }
                }
            }
        }
        return uses;
    }

    private void walk(ObjectId tree, String dir, Map<String, TreeEntry> out) {
        for (TreeEntry e : objects.tree(tree).entries()) {
            String p = dir.isEmpty() ? e.name() : dir + "/" + e.name();
            if (e.kind() == FileKind.DIRECTORY) walk(e.id(), p, out);
            else out.put(p, e);
        }
    }

    private long workTreeLength(String path) {
        Path f = repo.root().resolve(path);
        try {
            return Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) ? Files.size(f) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String parent(String p) {
        if (p.isEmpty()) return null;
        int slash = p.lastIndexOf('/');
        return slash < 0 ? "" : p.substring(0, slash);
    }

    /** A remote's pack indexes as this clone last synced them, read from {@code dir}; no network. */
    static RemoteIndex cached(Path dir) {
        RemoteIndex index = new RemoteIndex();
        if (!Files.isDirectory(dir)) return index;
        var hasher = dev.forge.core.hash.Blake3.newHasher();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.idx")) {
            for (Path p : ds) {
                String f = p.getFileName().toString();
                String id = f.substring(0, f.length() - 4);
                try {
                    index.add(PackIndex.parse(id, Files.readAllBytes(p), hasher, p.toString()));
                } catch (ForgeException damaged) {
                    // a damaged cache file: the next fetch downloads it again; du just does not count it
                }
            }
        } catch (IOException e) {
            throw new ForgeException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        return index;
    }
}
