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
import java.util.List;
import java.util.Locale;

/** Typed reads of structured objects; a wrong type or a bad encoding is an integrity error. */
final class Objects {
    private final ObjectStore store;

    Objects(ObjectStore store) {
        this.store = store;
    }

    private byte[] read(ObjectId id, ObjectType expected) {
        StoredObject info = store.stat(id)
                .orElseThrow(() -> new IntegrityException(
                        "object " + id.shortHex() + " (" + expected.name().toLowerCase(Locale.ROOT) + ") is missing"));
        if (info.type() != expected) {
            throw new IntegrityException(
                    "object " + id.shortHex() + " is a " + info.type() + ", expected a " + expected);
        }
        return store.read(id);
    }

    Commit commit(ObjectId id) {
        try {
            return Commit.decode(read(id, ObjectType.COMMIT));
        } catch (MalformedObjectException e) {
            throw new IntegrityException("commit " + id.shortHex() + " is malformed: " + e.getMessage());
        }
    }

    Tree tree(ObjectId id) {
        try {
            return Tree.decode(read(id, ObjectType.TREE));
        } catch (MalformedObjectException e) {
            throw new IntegrityException("tree " + id.shortHex() + " is malformed: " + e.getMessage());
        }
    }

    ChunkList list(ObjectId id) {
        try {
            return ChunkList.decode(read(id, ObjectType.LIST));
        } catch (MalformedObjectException e) {
            throw new IntegrityException("chunk list " + id.shortHex() + " is malformed: " + e.getMessage());
        }
    }

    /** The chunks of a file, in order. */
    List<ChunkList.ChunkRef> chunks(ContentRef c) {
        if (c.type() == ObjectType.CHUNK) return List.of(new ChunkList.ChunkRef(c.id(), (int) c.size()));
        ChunkList l = list(c.id());
        if (l.totalLength() != c.size()) {
            throw new IntegrityException("chunk list " + c.id().shortHex() + " adds up to " + l.totalLength()
                    + " bytes, the tree says " + c.size());
        }
        return l.chunks();
    }

    /** A chunk's bytes in a buffer valid until this thread's next call (see {@link ObjectStore#readChunk}). */
    java.nio.ByteBuffer chunkBuffer(ChunkList.ChunkRef ref) {
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

    byte[] chunk(ChunkList.ChunkRef ref) {
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
}
