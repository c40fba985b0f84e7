package dev.forge.mirror;

import dev.forge.core.error.ForgeException;
import dev.forge.core.model.ChunkList;
import dev.forge.core.model.Commit;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.model.TreeEntry;
import dev.forge.core.port.StageEntry;
import dev.forge.core.repo.ObjectReader;
import dev.forge.core.repo.Repository;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * {@code forge mirror status} and {@code forge mirror verify}: how far each mirror is behind what it
 * follows, and whether the mirrors together hold every byte of a commit.
 */
public final class MirrorCheck {
    /** How many missing commits a status names (it counts them all). */
    public static final int NAMED_COMMITS = 20;

    private final Repository repo;
    private final ObjectReader objects;
    private final Function<String, Remote> open;

    public MirrorCheck(Repository repo, Function<String, Remote> open) {
        this.repo = repo;
        this.objects = repo.objects();
        this.open = open;
    }

    /**
     * One branch of a mirror beside its source. {@code state}: {@code up-to-date}; {@code behind} (the
     * mirror lacks {@code behind} commits, the first of them in {@code missing}); {@code absent} (not
     * on the mirror yet); {@code diverged} (the mirror has a commit that is not an ancestor of the
     * source's, or one this repository does not have); {@code stale} (on the mirror only: deleted at
     * the source, kept by design).
     */
    public record BranchState(
            String branch, ObjectId source, ObjectId mirror, String state, int behind, List<ObjectId> missing) {}

    /** A mirror's status; {@code error} is set (and the branches empty) when it could not be read. */
    public record Status(String mirror, String of, String route, List<BranchState> branches, String error) {
        public boolean upToDate() {
            return error == null
                    && branches.stream()
                            .allMatch(b ->
                                    b.state().equals("up-to-date") || b.state().equals("stale"));
        }
    }

    public Status status(Mirrors.Mirror m, SortedMap<String, ObjectId> source) {
        SortedMap<String, RemoteRefs.RemoteRef> there;
        try (Remote remote = open.apply(m.name())) {
            there = remote.refs().all();
        } catch (ForgeException e) {
            return new Status(m.name(), m.of(), m.route().toString(), List.of(), e.getMessage());
        }
        List<BranchState> out = new ArrayList<>();
        Set<String> names = new TreeSet<>(source.keySet());
        names.addAll(there.keySet());
        for (String b : names) {
            ObjectId src = source.get(b);
            ObjectId mir = there.containsKey(b) ? there.get(b).commit() : null;
            if (src == null) out.add(new BranchState(b, null, mir, "stale", 0, List.of()));
            else if (src.equals(mir)) out.add(new BranchState(b, src, mir, "up-to-date", 0, List.of()));
            else if (mir != null && (!repo.objectStore().contains(mir) || !objects.isAncestor(mir, src)))
                out.add(new BranchState(b, src, mir, "diverged", -1, List.of()));
            else {
                List<ObjectId> missing =
                        objects.commitsBetween(List.of(src), mir == null ? Set.of() : Set.of(mir), new HashSet<>());
                out.add(new BranchState(
                        b,
                        src,
                        mir,
                        mir == null ? "absent" : "behind",
                        missing.size(),
                        List.copyOf(missing.subList(0, Math.min(NAMED_COMMITS, missing.size())))));
            }
        }
        return new Status(m.name(), m.of(), m.route().toString(), List.copyOf(out), null);
    }

    /**
     * Whether {@code mirrors} together can restore commit {@code commit}: {@code missingPaths} are the
     * files some of whose bytes no mirror holds; {@code metadataMissing} counts the commit, trees and
     * chunk lists none holds (then the commit cannot be cloned from them whatever the files);
     * {@code unreadable} names the mirrors that could not be read (they count as holding nothing).
     */
    public record Verified(
            ObjectId commit,
            long files,
            SortedMap<String, Long> missingPaths,
            long metadataMissing,
            SortedMap<String, String> unreadable,
            List<String> mirrors) {
        public boolean complete() {
            return missingPaths.isEmpty() && metadataMissing == 0;
        }
    }

    public Verified verify(ObjectId commit, List<Mirrors.Mirror> mirrors) {
        List<RemoteIndex> indexes = new ArrayList<>();
        SortedMap<String, String> unreadable = new TreeMap<>();
        for (Mirrors.Mirror m : mirrors) {
            try (Remote remote = open.apply(m.name())) {
                indexes.add(remote.indexCache().sync().index());
            } catch (ForgeException e) {
                unreadable.put(m.name(), e.getMessage());
            }
        }
        java.util.function.Predicate<ObjectId> held = id -> {
            for (RemoteIndex i : indexes) if (i.contains(id)) return true;
            return false;
        };
        long metadataMissing = held.test(commit) ? 0 : 1;
        Commit c = objects.commit(commit);
        Deque<ObjectId> trees = new ArrayDeque<>(List.of(c.tree()));
        Set<ObjectId> seenTrees = new HashSet<>();
        while (!trees.isEmpty()) {
            ObjectId t = trees.pop();
            if (!seenTrees.add(t)) continue;
            if (!held.test(t)) metadataMissing++;
            for (TreeEntry e : objects.tree(t).entries()) if (e.kind() == FileKind.DIRECTORY) trees.push(e.id());
        }
        SortedMap<String, Long> missingPaths = new TreeMap<>();
        long files = 0;
        dev.forge.core.retain.PurgeRecord purged = dev.forge.core.retain.PurgeRecord.load(repo.forgeDir());
        for (Map.Entry<String, StageEntry> f : objects.files(c.tree()).entrySet()) {
            files++;
            var content = f.getValue().content();
            long missing = 0;
            // Purged (retention, obliterate) on purpose: no mirror is expected to hold it.
            if (purged.contains(content.id()) && !held.test(content.id())) continue;
            if (content.type() == ObjectType.LIST) {
                if (!held.test(content.id())) metadataMissing++;
                for (ChunkList.ChunkRef ch : objects.list(content.id()).chunks()) if (!held.test(ch.id())) missing++;
            } else if (!held.test(content.id())) {
                missing++;
            }
            if (missing > 0) missingPaths.put(f.getKey(), missing);
        }
        return new Verified(
                commit,
                files,
                missingPaths,
                metadataMissing,
                unreadable,
                mirrors.stream().map(Mirrors.Mirror::name).toList());
    }
}
