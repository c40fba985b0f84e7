package dev.forge.mirror;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.model.ChunkList;
import dev.forge.core.model.Commit;
import dev.forge.core.model.MalformedObjectException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.Tree;
import dev.forge.core.port.ObjectStore;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/** Typed reads of commits, trees and lists from the local store, and ancestry questions. */
final class LocalObjects {
    private final ObjectStore store;

    LocalObjects(ObjectStore store) {
        this.store = store;
    }

    ObjectStore store() {
        return store;
    }

    Commit commit(ObjectId id) {
        try {
            return Commit.decode(store.read(id));
        } catch (MalformedObjectException e) {
            throw new IntegrityException("commit " + id.shortHex() + " is malformed: " + e.getMessage());
        }
    }

    Tree tree(ObjectId id) {
        try {
            return Tree.decode(store.read(id));
        } catch (MalformedObjectException e) {
            throw new IntegrityException("tree " + id.shortHex() + " is malformed: " + e.getMessage());
        }
    }

    ChunkList list(ObjectId id) {
        try {
            return ChunkList.decode(store.read(id));
        } catch (MalformedObjectException e) {
            throw new IntegrityException("chunk list " + id.shortHex() + " is malformed: " + e.getMessage());
        }
    }

    /** Whether {@code ancestor} is {@code descendant} or one of its ancestors (all commits local). */
    boolean isAncestor(ObjectId ancestor, ObjectId descendant) {
        if (!store.contains(ancestor)) return false;
        Deque<ObjectId> todo = new ArrayDeque<>();
        Set<ObjectId> seen = new HashSet<>();
        todo.add(descendant);
        while (!todo.isEmpty()) {
            ObjectId c = todo.poll();
            if (c.equals(ancestor)) return true;
            if (!seen.add(c)) continue;
            todo.addAll(commit(c).parents());
        }
        return false;
    }

    /**
     * Commits reachable from {@code tips} that are not reachable through {@code stop} (commits known to
     * be complete on the other side), parents after children; {@code boundary} receives the stop
     * commits that were reached.
     */
    java.util.List<ObjectId> newCommits(Collection<ObjectId> tips, Set<ObjectId> stop, Set<ObjectId> boundary) {
        java.util.List<ObjectId> out = new java.util.ArrayList<>();
        Deque<ObjectId> todo = new ArrayDeque<>(tips);
        Set<ObjectId> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            ObjectId c = todo.poll();
            if (!seen.add(c)) continue;
            if (stop.contains(c)) {
                boundary.add(c);
                continue;
            }
            out.add(c);
            todo.addAll(commit(c).parents());
        }
        return out;
    }
}
