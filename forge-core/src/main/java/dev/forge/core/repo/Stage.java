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
    /** The stored tree-cache section (see {@link TreeCache}), or null; decoded when first needed. */
    private final byte[] cacheBytes;

    private TreeCache cache;

    private Stage(SortedMap<String, StageEntry> entries, long digest, byte[] cacheBytes) {
        this.entries = entries;
        this.digest = digest;
        this.cacheBytes = cacheBytes;
    }

    static Stage read(MetadataStore meta) {
        java.util.List<StageEntry> list = new java.util.ArrayList<>();
        long digest = meta.forEachStage(list::add);
        return new Stage(sortedMap(list), digest, meta.stageCache());
    }

    /** Whether a tree cache is stored with this stage (not whether its records match). */
    boolean hasStoredCache() {
        return cacheBytes != null && cacheBytes.length > 0;
    }

    /** The tree cache stored with this stage (records not checked yet), or an empty one. */
    TreeCache treeCache() {
        if (cache == null) cache = TreeCache.decode(cacheBytes);
        return cache;
    }

    /**
     * A path-ordered map of {@code list}, built in linear time when the list is in path order (as
     * {@link MetadataStore#forEachStage} gives it): putting 100,000 entries one by one cost 1.7 million
     * path comparisons, most of {@code forge add} of one file in such a tree.
     */
    static SortedMap<String, StageEntry> sortedMap(java.util.List<StageEntry> list) {
        for (int i = 1; i < list.size(); i++) {
            if (Tree.NAME_ORDER.compare(list.get(i - 1).path(), list.get(i).path()) >= 0) {
                SortedMap<String, StageEntry> m = new TreeMap<>(Tree.NAME_ORDER);
                for (StageEntry e : list) m.put(e.path(), e);
                return m;
            }
        }
        return new TreeMap<>(new SortedRun(list));
    }

    /**
     * Entries already in path order, seen as a sorted map only so that {@link TreeMap#TreeMap(SortedMap)}
     * builds its tree from them without comparing: only what that constructor calls is implemented.
     */
    private static final class SortedRun extends java.util.AbstractMap<String, StageEntry>
            implements SortedMap<String, StageEntry> {
        private final java.util.List<StageEntry> list;

        SortedRun(java.util.List<StageEntry> list) {
            this.list = list;
        }

        @Override
        public java.util.Comparator<? super String> comparator() {
            return Tree.NAME_ORDER;
        }

        @Override
        public java.util.Set<Entry<String, StageEntry>> entrySet() {
            return new java.util.AbstractSet<>() {
                @Override
                public java.util.Iterator<Entry<String, StageEntry>> iterator() {
                    java.util.Iterator<StageEntry> it = list.iterator();
                    return new java.util.Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        @Override
                        public Entry<String, StageEntry> next() {
                            StageEntry e = it.next();
                            return java.util.Map.entry(e.path(), e);
                        }
                    };
                }

                @Override
                public int size() {
                    return list.size();
                }
            };
        }

        @Override
        public SortedMap<String, StageEntry> subMap(String from, String to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedMap<String, StageEntry> headMap(String to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedMap<String, StageEntry> tailMap(String from) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String firstKey() {
            throw new UnsupportedOperationException();
        }

        @Override
        public String lastKey() {
            throw new UnsupportedOperationException();
        }
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
        return snapshotWithCache(repo).root();
    }

    /**
     * As {@link #snapshot}, with the tree cache for this stage when the trees were computed (taking
     * what the stored cache still holds), or a null cache when the tree was known.
     */
    Trees.Snapshot snapshotWithCache(Repository repo) {
        Optional<MetadataStore.StageTree> known = repo.meta().stageTree();
        if (known.isPresent() && known.get().stageDigest() == digest)
            return new Trees.Snapshot(known.get().tree(), null);
        return repo.snapshot(entries, treeCache());
    }
}
