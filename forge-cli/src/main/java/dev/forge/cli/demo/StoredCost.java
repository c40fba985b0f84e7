package dev.forge.cli.demo;

import dev.forge.core.model.ChunkList;
import dev.forge.core.model.ContentRef;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.port.ObjectStore;
import dev.forge.core.port.StoredObject;
import dev.forge.core.repo.ObjectReader;
import dev.forge.core.repo.Repository;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which of a commit's bytes are new relative to its parent: for a group of files, the chunks (and
 * chunk lists) the parent did not have, and what they take in the packs. Each new object is charged
 * to the first group that asks for it. Read-only, through forge-core's public model.
 */
final class StoredCost {
    /** New chunks, their raw and stored bytes, and the stored bytes of new chunk lists. */
    record Cost(int newChunks, long newRawBytes, long chunkStoredBytes, long listStoredBytes) {
        long storedBytes() {
            return chunkStoredBytes + listStoredBytes;
        }
    }

    private final ObjectStore store;
    private final ObjectReader objects;
    private final Map<String, ContentRef> files;
    private final Set<ObjectId> old = new HashSet<>();
    private final Set<ObjectId> charged = new HashSet<>();

    StoredCost(Repository repo, ObjectId parent, ObjectId commit) {
        this.store = repo.objectStore();
        this.objects = repo.objects();
        for (ContentRef c : files(repo, parent).values()) {
            old.add(c.id());
            for (ChunkList.ChunkRef ref : chunks(c)) old.add(ref.id());
        }
        this.files = files(repo, commit);
    }

    Cost of(Collection<String> paths) {
        int chunks = 0;
        long raw = 0;
        long stored = 0;
        long lists = 0;
        for (String p : paths) {
            ContentRef c = files.get(p);
            if (c == null) continue;
            if (c.type() == ObjectType.LIST && !old.contains(c.id()) && charged.add(c.id()))
                lists += storedLength(c.id());
            for (ChunkList.ChunkRef ref : chunks(c)) {
                if (old.contains(ref.id()) || !charged.add(ref.id())) continue;
                chunks++;
                raw += ref.length();
                stored += storedLength(ref.id());
            }
        }
        return new Cost(chunks, raw, stored, lists);
    }

    private long storedLength(ObjectId id) {
        return store.stat(id).map(StoredObject::storedLength).orElse(0);
    }

    private List<ChunkList.ChunkRef> chunks(ContentRef c) {
        return objects.chunks(c);
    }

    private Map<String, ContentRef> files(Repository repo, ObjectId commit) {
        Map<String, ContentRef> out = new TreeMap<>();
        objects.files(objects.commit(commit).tree()).forEach((path, e) -> out.put(path, e.content()));
        return out;
    }
}
