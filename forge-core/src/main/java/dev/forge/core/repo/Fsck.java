package dev.forge.core.repo;

import dev.forge.core.error.ForgeException;
import dev.forge.core.model.ChunkList;
import dev.forge.core.model.Commit;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.model.TreeEntry;
import dev.forge.core.port.LocalStore;
import dev.forge.core.port.ProgressListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code forge fsck}: the storage check (every pack byte, every index entry) and then the object graph:
 * every ref, HEAD and every stage entry must reach only objects that exist, have the right type and
 * decode (trees are checked for unsafe names). Collects all problems instead of stopping at the first.
 */
public final class Fsck {
    private final Repository repo;
    private SparsePaths sparse = SparsePaths.ALL;
    private boolean lazy;
    private long remoteOnly;
    private dev.forge.core.retain.PurgeRecord record = dev.forge.core.retain.PurgeRecord.empty();
    private final List<String> purged = new ArrayList<>();

    public Fsck(Repository repo) {
        this.repo = repo;
    }

    /**
     * {@code remoteOnly}: files of a lazy clone whose contents are not here (they stay on the remote and
     * are fetched when a command needs them); not a problem. {@code purged}: file versions whose contents were purged by the retention policy or obliterated
     * ({@code path (why)}, once per content); not a problem either.
     */
    public record Report(
            long packs,
            long objects,
            long commits,
            long trees,
            long files,
            long remoteOnly,
            List<String> problems,
            List<String> purged) {
        public Report(
                long packs,
                long objects,
                long commits,
                long trees,
                long files,
                long remoteOnly,
                List<String> problems) {
            this(packs, objects, commits, trees, files, remoteOnly, problems, List.of());
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    public Report run(ProgressListener progress) {
        LocalStore.StorageCheck storage = repo.store().checkStorage(progress);
        sparse = repo.sparse();
        lazy = repo.lazyRemote().isPresent();
        remoteOnly = 0;
        record = dev.forge.core.retain.PurgeRecord.load(repo.forgeDir());
        purged.clear();
        List<String> problems = new ArrayList<>(storage.problems());
        Set<ObjectId> seen = new HashSet<>();
        Deque<ObjectId> commits = new ArrayDeque<>();
        long[] counts = new long[3];
        for (Map.Entry<String, ObjectId> r : repo.meta().refs("refs/").entrySet()) {
            if (seen.add(r.getValue())) commits.add(r.getValue());
        }
        if (repo.head() instanceof Head.Detached d && seen.add(d.commit())) commits.add(d.commit());
        while (!commits.isEmpty()) {
            ObjectId id = commits.pop();
            try {
                Commit c = repo.objects.commit(id);
                counts[0]++;
                for (ObjectId p : c.parents()) {
                    if (seen.add(p)) commits.add(p);
                }
                walkTree(c.tree(), seen, counts, problems);
            } catch (ForgeException e) {
                problems.add(e.getMessage());
            }
        }
        repo.meta()
                .forEachStage(e -> checkContent(
                        e.path(), e.kind(), e.content().type(), e.content().id(), seen, problems));
        return new Report(
                storage.packs(),
                storage.indexEntries(),
                counts[0],
                counts[1],
                counts[2],
                remoteOnly,
                List.copyOf(problems),
                List.copyOf(purged));
    }

    /**
     * Reads every pack (the storage half of {@link #run}), which remembers each damaged record, and
     * returns the ids whose stored records are damaged: what {@code forge repair} fetches again.
     */
    public Set<ObjectId> damaged(ProgressListener progress) {
        repo.store().checkStorage(progress);
        return repo.store().objects().knownDamaged();
    }

    /** Checks every tree and file below {@code root}, without recursion; a tree too deep is a problem. */
    private void walkTree(ObjectId root, Set<ObjectId> seen, long[] counts, List<String> problems) {
        record Dir(ObjectId id, String path, int depth) {}
        Deque<Dir> todo = new ArrayDeque<>();
        todo.push(new Dir(root, "", 0));
        while (!todo.isEmpty()) {
            Dir d = todo.pop();
            if (!seen.add(d.id())) continue;
            try {
                counts[1]++;
                for (TreeEntry e : repo.objects.tree(d.id()).entries()) {
                    String path = d.path().isEmpty() ? e.name() : d.path() + "/" + e.name();
                    if (e.kind() == FileKind.DIRECTORY) {
                        if (d.depth() + 1 >= dev.forge.core.model.Tree.MAX_DEPTH) {
                            problems.add(Trees.tooDeep(e.id(), path).getMessage());
                        } else {
                            todo.push(new Dir(e.id(), path, d.depth() + 1));
                        }
                    } else {
                        counts[2]++;
                        checkContent(path, e.kind(), e.type(), e.id(), seen, problems);
                    }
                }
            } catch (ForgeException ex) {
                problems.add(ex.getMessage());
            }
        }
    }

    private void checkContent(
            String name, FileKind kind, ObjectType type, ObjectId id, Set<ObjectId> seen, List<String> problems) {
        // A sparse clone does not have the contents of files outside its paths; the remote does.
        if (!sparse.includes(name)) return;
        if (!seen.add(id)) return;
        var why = record.get(id);
        if (why.isPresent() && !local(type, id)) {
            purged.add(name + " (" + why.get().describe() + ")");
            return;
        }
        if (lazy && !local(type, id)) {
            remoteOnly++;
            return;
        }
        try {
            if (type == ObjectType.LIST) {
                for (ChunkList.ChunkRef c : repo.objects.list(id).chunks()) {
                    if (seen.add(c.id())) requireChunk(name, c.id(), problems);
                }
            } else {
                requireChunk(name, id, problems);
            }
        } catch (ForgeException ex) {
            problems.add("'" + name + "': " + ex.getMessage());
        }
    }

    /** Whether a file's content, and every chunk of a list, is stored here. */
    private boolean local(ObjectType type, ObjectId id) {
        var objects = repo.store().objects();
        if (!objects.contains(id)) return false;
        if (type != ObjectType.LIST) return true;
        for (ChunkList.ChunkRef c : repo.objects.list(id).chunks()) if (!objects.contains(c.id())) return false;
        return true;
    }

    private void requireChunk(String name, ObjectId id, List<String> problems) {
        var info = repo.store().objects().stat(id);
        if (info.isEmpty()) {
            problems.add("'" + name + "': chunk " + id.shortHex() + " is missing");
        } else if (info.get().type() != ObjectType.CHUNK) {
            problems.add("'" + name + "': object " + id.shortHex() + " is a "
                    + info.get().type() + ", expected a CHUNK");
        }
    }
}
