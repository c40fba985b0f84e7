package dev.forge.core.repo;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.model.ChunkList;
import dev.forge.core.model.Commit;
import dev.forge.core.model.ContentRef;
import dev.forge.core.model.MalformedObjectException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.model.Tree;
import dev.forge.core.port.ObjectStore;
import dev.forge.core.port.StoredObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The one way to read a repository's objects: typed reads of commits, trees and chunk lists (a wrong
 * type, a missing object or a bad encoding is an {@link IntegrityException}), and walks over history
 * (ancestry, merge bases, the commits between two points). Every module reads through it; {@link
 * Repository#objects()} gives the repository's.
 */
public final class ObjectReader {
    private final ObjectStore store;

    ObjectReader(ObjectStore store) {
        this.store = store;
    }

    private byte[] read(ObjectId id, ObjectType expected) {
        StoredObject info = store.stat(id)
                .orElseThrow(() -> new IntegrityException("object " + id.shortHex() + " ("
                        + expected.name().toLowerCase(java.util.Locale.ROOT) + ") is missing"));
        if (info.type() != expected) {
            throw new IntegrityException(
                    "object " + id.shortHex() + " is a " + info.type() + ", expected a " + expected);
        }
        return store.read(id);
    }

    public Commit commit(ObjectId id) {
        try {
            return Commit.decode(read(id, ObjectType.COMMIT));
        } catch (MalformedObjectException e) {
            throw new IntegrityException("commit " + id.shortHex() + " is malformed: " + e.getMessage());
        }
    }

    public Tree tree(ObjectId id) {
        try {
            return Tree.decode(read(id, ObjectType.TREE));
        } catch (MalformedObjectException e) {
            throw new IntegrityException("tree " + id.shortHex() + " is malformed: " + e.getMessage());
        }
    }

    public ChunkList list(ObjectId id) {
        try {
            return ChunkList.decode(read(id, ObjectType.LIST));
        } catch (MalformedObjectException e) {
            throw new IntegrityException("chunk list " + id.shortHex() + " is malformed: " + e.getMessage());
        }
    }

    /** The chunks of a file, in order. */
    public List<ChunkList.ChunkRef> chunks(ContentRef c) {
        if (c.type() == ObjectType.CHUNK) {
            if (c.size() > dev.forge.core.model.ObjectLimits.MAX_CHUNK) {
                throw new IntegrityException("chunk " + c.id().shortHex() + " is said to be " + c.size()
                        + " bytes, more than a chunk can be (a damaged tree)");
            }
            return List.of(new ChunkList.ChunkRef(c.id(), (int) c.size()));
        }
        ChunkList l = list(c.id());
        if (l.totalLength() != c.size()) {
            throw new IntegrityException("chunk list " + c.id().shortHex() + " adds up to " + l.totalLength()
                    + " bytes, the tree says " + c.size());
        }
        return l.chunks();
    }

    /** A chunk's bytes in a buffer valid until this thread's next call (see {@link ObjectStore#readChunk}). */
    public java.nio.ByteBuffer chunkBuffer(ChunkList.ChunkRef ref) {
        java.nio.ByteBuffer b;
        try {
            b = store.readChunk(ref.id());
        } catch (NotFoundException e) {
            throw missingChunk(ref);
        }
        if (b.remaining() != ref.length()) {
            throw new IntegrityException(
                    "chunk " + ref.id().shortHex() + " is " + b.remaining() + " bytes, its list says " + ref.length());
        }
        return b;
    }

    public byte[] chunk(ChunkList.ChunkRef ref) {
        byte[] b;
        try {
            b = store.read(ref.id());
        } catch (NotFoundException e) {
            throw missingChunk(ref);
        }
        if (b.length != ref.length()) {
            throw new IntegrityException(
                    "chunk " + ref.id().shortHex() + " is " + b.length + " bytes, its list says " + ref.length());
        }
        return b;
    }

    /**
     * A chunk that a file's list names but the store does not have. Commands check a sparse clone's
     * contents before reading ({@link LocalContent}), so one missing here is damage, not a sparse path.
     */
    private static IntegrityException missingChunk(ChunkList.ChunkRef ref) {
        return new IntegrityException("chunk " + ref.id().shortHex() + " is missing");
    }

    /** Every file below tree {@code treeId}, by path (relative, {@code /}-separated), in path order. */
    public java.util.SortedMap<String, dev.forge.core.port.StageEntry> files(ObjectId treeId) {
        return Trees.flatten(this, treeId);
    }

    /** Whether {@code ancestor} is {@code descendant} or reachable from it through parents. */
    public boolean isAncestor(ObjectId ancestor, ObjectId descendant) {
        if (!store.contains(ancestor)) return false;
        Set<ObjectId> seen = new HashSet<>();
        Deque<ObjectId> todo = new ArrayDeque<>(List.of(descendant));
        while (!todo.isEmpty()) {
            ObjectId c = todo.poll();
            if (c.equals(ancestor)) return true;
            if (seen.add(c)) todo.addAll(commit(c).parents());
        }
        return false;
    }

    /** A nearest common ancestor: the first of theirs' ancestors (breadth first) that ours also reaches; null if none. */
    public ObjectId mergeBase(ObjectId ours, ObjectId theirs) {
        Set<ObjectId> fromOurs = new HashSet<>();
        Deque<ObjectId> todo = new ArrayDeque<>(List.of(ours));
        while (!todo.isEmpty()) {
            ObjectId c = todo.poll();
            if (fromOurs.add(c)) todo.addAll(commit(c).parents());
        }
        Set<ObjectId> seen = new HashSet<>();
        todo.add(theirs);
        while (!todo.isEmpty()) {
            ObjectId c = todo.poll();
            if (fromOurs.contains(c)) return c;
            if (seen.add(c)) todo.addAll(commit(c).parents());
        }
        return null;
    }

    /**
     * The commits between two points: those reachable from {@code tips} that are not reachable
     * through {@code stop} (commits known to be complete elsewhere), children before parents; {@code
     * boundary} receives the stop commits the walk reached.
     */
    public List<ObjectId> commitsBetween(Collection<ObjectId> tips, Set<ObjectId> stop, Set<ObjectId> boundary) {
        List<ObjectId> out = new ArrayList<>();
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
