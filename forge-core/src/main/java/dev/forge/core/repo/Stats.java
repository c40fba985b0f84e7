package dev.forge.core.repo;

import dev.forge.core.model.Commit;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.TreeEntry;
import dev.forge.core.port.LocalStore;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code forge stats}: how much the user has versioned and how little it takes on disk. Logical bytes
 * count every file of every commit (what copies of each version would take); the deduplication ratio
 * is logical bytes over the bytes of the pack files.
 */
public final class Stats {
    private final Repository repo;

    public Stats(Repository repo) {
        this.repo = repo;
    }

    public record Report(
            long commits,
            long headFiles,
            long headBytes,
            long historyFiles,
            long logicalBytes,
            long uniqueChunks,
            long uniqueChunkBytes,
            long objects,
            long packs,
            long storedBytes) {
        public double dedupRatio() {
            return storedBytes == 0 ? 0 : (double) logicalBytes / storedBytes;
        }
    }

    private record Totals(long files, long bytes) {}

    /** Pack files and their size on disk, without walking history. */
    public LocalStore.StorageUsage usage() {
        return repo.store().usage();
    }

    public Report run() {
        Map<ObjectId, Totals> treeTotals = new HashMap<>();
        Set<ObjectId> seen = new HashSet<>();
        Deque<ObjectId> queue = new ArrayDeque<>(repo.meta().refs("refs/").values());
        repo.headCommit().ifPresent(queue::add);
        long commits = 0;
        long files = 0;
        long bytes = 0;
        while (!queue.isEmpty()) {
            ObjectId id = queue.pop();
            if (!seen.add(id)) continue;
            Commit c = repo.objects.commit(id);
            commits++;
            Totals t = totals(c.tree(), treeTotals);
            files += t.files();
            bytes += t.bytes();
            queue.addAll(c.parents());
        }
        Optional<ObjectId> head = repo.headCommit();
        Totals h = head.isPresent() ? totals(repo.objects.commit(head.get()).tree(), treeTotals) : new Totals(0, 0);
        LocalStore.StorageUsage u = repo.store().usage();
        return new Report(
                commits,
                h.files(),
                h.bytes(),
                files,
                bytes,
                u.chunks(),
                u.chunkRawBytes(),
                u.objects(),
                u.packs(),
                u.packBytes());
    }

    /** A tree's totals, each subtree counted once (cached), without recursion. */
    private Totals totals(ObjectId root, Map<ObjectId, Totals> cache) {
        Deque<ObjectId> stack = new ArrayDeque<>();
        Map<ObjectId, dev.forge.core.model.Tree> open = new HashMap<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            ObjectId id = stack.peek();
            if (cache.containsKey(id)) {
                stack.pop();
                continue;
            }
            dev.forge.core.model.Tree tree = open.get(id);
            if (tree == null) {
                tree = repo.objects.tree(id);
                open.put(id, tree);
                boolean waiting = false;
                for (TreeEntry e : tree.entries()) {
                    if (e.kind() == FileKind.DIRECTORY && !cache.containsKey(e.id())) {
                        stack.push(e.id());
                        waiting = true;
                    }
                }
                if (waiting) continue;
            }
            long files = 0;
            long bytes = 0;
            for (TreeEntry e : tree.entries()) {
                if (e.kind() == FileKind.DIRECTORY) {
                    Totals sub = cache.get(e.id());
                    files += sub.files();
                    bytes += sub.bytes();
                } else {
                    files++;
                    bytes += e.size();
                }
            }
            cache.put(id, new Totals(files, bytes));
            open.remove(id);
            stack.pop();
        }
        return cache.get(root);
    }
}
