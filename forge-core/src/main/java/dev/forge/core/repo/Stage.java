package dev.forge.core.repo;

import dev.forge.core.model.ObjectId;
import dev.forge.core.model.Tree;
import dev.forge.core.port.MetadataStore;
import dev.forge.core.port.StageEntry;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The stage as it was read at one moment: every entry in path order (unsigned UTF-8 byte order) and
 * the digest of its stored form (see {@link MetadataStore#forEachStage}), which says whether it is
 * still the stage a commit recorded a tree for. Read with {@link Repository#stage()}; changed only
 * through a {@link Transaction}.
 */
public final class Stage {
    private final SortedMap<String, StageEntry> entries;
    private final long digest;

    private Stage(SortedMap<String, StageEntry> entries, long digest) {
        this.entries = entries;
        this.digest = digest;
    }

    static Stage read(MetadataStore meta) {
        SortedMap<String, StageEntry> entries = new TreeMap<>(Tree.NAME_ORDER);
        long digest = meta.forEachStage(e -> entries.put(e.path(), e));
        return new Stage(entries, digest);
    }

    /** Every entry by path, in path order; read-only. */
    public SortedMap<String, StageEntry> entries() {
        return Collections.unmodifiableSortedMap(entries);
    }

    /** A modifiable copy of the entries, for computing a new stage. */
    public SortedMap<String, StageEntry> copy() {
        return new TreeMap<>(entries);
    }

    public Optional<StageEntry> get(String path) {
        return Optional.ofNullable(entries.get(path));
    }

    public int size() {
        return entries.size();
    }

    long digest() {
        return digest;
    }

    /**
     * The id of a tree object that holds this stage, written durably if it is not stored yet: the
     * tree the last commit recorded while the stage still has the digest it had then, else a new
     * snapshot (identical stages share their trees).
     */
    ObjectId snapshot(Repository repo) {
        Optional<MetadataStore.StageTree> known = repo.meta().stageTree();
        if (known.isPresent() && known.get().stageDigest() == digest)
            return known.get().tree();
        return repo.snapshot(entries.values());
    }
}
