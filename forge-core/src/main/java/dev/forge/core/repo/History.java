package dev.forge.core.repo;

import dev.forge.core.model.Commit;
import dev.forge.core.model.ObjectId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/** {@code forge log}: commits reachable from a revision, newest first. */
public final class History {
    private final Repository repo;

    public History(Repository repo) {
        this.repo = repo;
    }

    public record Entry(ObjectId id, Commit commit) {}

    /** Up to {@code limit} commits from {@code rev} (HEAD when null); empty before the first commit. */
    public List<Entry> log(String rev, int limit) {
        Optional<ObjectId> start = rev == null ? repo.headCommit() : Optional.of(repo.resolve(rev));
        List<Entry> out = new ArrayList<>();
        if (start.isEmpty()) return out;
        PriorityQueue<Entry> queue = new PriorityQueue<>(
                Comparator.comparing((Entry e) -> e.commit().time().toInstant()).reversed());
        Set<ObjectId> seen = new HashSet<>();
        queue.add(new Entry(start.get(), repo.objects.commit(start.get())));
        seen.add(start.get());
        while (!queue.isEmpty() && out.size() < limit) {
            Entry e = queue.poll();
            out.add(e);
            for (ObjectId p : e.commit().parents()) {
                if (seen.add(p)) queue.add(new Entry(p, repo.objects.commit(p)));
            }
        }
        return out;
    }
}
