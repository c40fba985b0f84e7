package dev.forge.core.repo;

import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.model.Tree;
import dev.forge.core.model.TreeEntry;
import dev.forge.core.port.StageEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** Between the flat stage (path to content) and the hierarchy of tree objects. */
final class Trees {
    private Trees() {}

    /**
     * Writes the trees for {@code entries} (any order) and returns the root tree's id. Entries where one
     * path is a folder of another ("a" and "a/b") cannot be one tree: refused with a message naming both
     * (add, mv and the other commands that change the stage never make such a pair).
     */
    static ObjectId write(List<StageEntry> entries, ObjectSink sink) {
        return write(entries, null, sink).root();
    }

    /**
     * A stage's root tree, the tree cache for that stage (null when none was asked for), and how many
     * folders were encoded (not taken from the cache).
     */
    record Snapshot(ObjectId root, TreeCache cache, int encoded) {
        Snapshot(ObjectId root, TreeCache cache) {
            this(root, cache, 0);
        }
    }

    /**
     * Writes the trees for {@code entries} (any order; a path given twice counts once, the last time),
     * taking from {@code cache} the tree of every folder whose entries it still matches (see {@link
     * TreeCache}) instead of encoding and hashing it again; returns the root and a cache for these
     * entries. With a null cache every folder is written and no cache is made.
     */
    static Snapshot write(List<StageEntry> entries, TreeCache cache, ObjectSink sink) {
        return writeSorted(inPathOrder(entries), cache, sink);
    }

    /**
     * As {@link #write(List, TreeCache, ObjectSink)} for the entries of a map; those of a map kept in
     * {@link Tree#NAME_ORDER} (the stage's) are taken as they come, without comparing 100,000 paths again.
     */
    static Snapshot write(SortedMap<String, StageEntry> stage, TreeCache cache, ObjectSink sink) {
        List<StageEntry> list = new ArrayList<>(stage.values());
        return writeSorted(stage.comparator() == Tree.NAME_ORDER ? list : inPathOrder(list), cache, sink);
    }

    private static Snapshot writeSorted(List<StageEntry> sorted, TreeCache cache, ObjectSink sink) {
        Builder b = new Builder(sorted, cache, sink);
        ObjectId root = b.dir("", 0, 0, sorted.size()).id();
        return new Snapshot(root, cache == null ? null : new TreeCache(cache.point, b.out), b.encoded);
    }

    /** {@code entries} in path order, each path once (the last one given). */
    static List<StageEntry> inPathOrder(List<StageEntry> entries) {
        boolean sorted = true;
        for (int i = 1; i < entries.size() && sorted; i++) {
            sorted = Tree.NAME_ORDER.compare(
                            entries.get(i - 1).path(), entries.get(i).path())
                    < 0;
        }
        if (sorted) return entries;
        List<StageEntry> copy = new ArrayList<>(entries);
        copy.sort(java.util.Comparator.comparing(StageEntry::path, Tree.NAME_ORDER)); // stable
        List<StageEntry> out = new ArrayList<>(copy.size());
        for (int i = 0; i < copy.size(); i++) {
            if (i + 1 < copy.size() && copy.get(i + 1).path().equals(copy.get(i).path())) continue;
            out.add(copy.get(i));
        }
        return out;
    }

    /**
     * The end of the run from {@code from} of paths that start as {@code path} does up to and with its
     * '/' at {@code slash} (the entries of one folder).
     */
    private static int groupEnd(List<StageEntry> entries, String path, int slash, int from, int hi) {
        int j = from;
        while (j < hi && entries.get(j).path().regionMatches(0, path, 0, slash + 1)) j++;
        return j;
    }

    /**
     * The trees of the outermost folders whose records in {@code cache} match {@code entries} (any
     * order) as they are: what a snapshot of these entries would take from the cache, which gc keeps.
     */
    static List<ObjectId> cachedTrees(List<StageEntry> entries, TreeCache cache) {
        List<ObjectId> out = new ArrayList<>();
        if (cache.size() == 0) return out;
        List<StageEntry> sorted = inPathOrder(entries);
        matching(sorted, cache, new TreeCache.Prefix(cache.point, sorted), "", 0, 0, sorted.size(), out);
        return out;
    }

    private static void matching(
            List<StageEntry> entries,
            TreeCache cache,
            TreeCache.Prefix prefix,
            String path,
            int nameAt,
            int lo,
            int hi,
            List<ObjectId> out) {
        TreeCache.Dir known = cache.get(path);
        if (known != null && known.count() == hi - lo && known.fingerprint() == prefix.of(lo, hi)) {
            out.add(known.tree());
            return;
        }
        for (int i = lo; i < hi; ) {
            String p = entries.get(i).path();
            int slash = p.indexOf('/', nameAt);
            if (slash < 0) {
                i++;
                continue;
            }
            int j = groupEnd(entries, p, slash, i + 1, hi);
            matching(entries, cache, prefix, p.substring(0, slash), slash + 1, i, j, out);
            i = j;
        }
    }

    /**
     * Writes folders from the stage in path order, where the entries of any folder are one contiguous
     * run (they share the prefix "folder/"), so each folder is a range and no map of folders is built.
     */
    private static final class Builder {
        final List<StageEntry> entries;
        final TreeCache cache;
        final TreeCache.Prefix prefix;
        final ObjectSink sink;
        final java.util.SortedMap<String, TreeCache.Dir> out = new TreeMap<>(Tree.NAME_ORDER);
        int encoded;

        Builder(List<StageEntry> entries, TreeCache cache, ObjectSink sink) {
            this.entries = entries;
            this.cache = cache;
            this.prefix = cache == null ? null : new TreeCache.Prefix(cache.point, entries);
            this.sink = sink;
        }

        private int groupEnd(String path, int slash, int from, int hi) {
            return Trees.groupEnd(entries, path, slash, from, hi);
        }

        /**
         * The tree of the folder {@code path} (the root when ""), whose entries are [lo, hi) and whose
         * names start at {@code nameAt} in each entry's path.
         */
        TreeEntry dir(String path, int nameAt, int lo, int hi) {
            long fingerprint = 0;
            if (prefix != null) {
                fingerprint = prefix.of(lo, hi);
                TreeCache.Dir known = cache.get(path);
                if (known != null
                        && known.count() == hi - lo
                        && known.fingerprint() == fingerprint
                        && sink.containsIntact(known.tree())) {
                    out.put(path, known);
                    carry(nameAt, lo, hi);
                    return new TreeEntry("-", FileKind.DIRECTORY, ObjectType.TREE, known.tree(), known.size());
                }
            }
            List<TreeEntry> list = new ArrayList<>();
            java.util.Set<String> files = null;
            List<Integer> folderAt = null;
            for (int i = lo; i < hi; ) {
                StageEntry e = entries.get(i);
                String p = e.path();
                int slash = p.indexOf('/', nameAt);
                if (slash < 0) {
                    String name = p.substring(nameAt);
                    list.add(new TreeEntry(
                            name,
                            e.kind(),
                            e.content().type(),
                            e.content().id(),
                            e.content().size()));
                    if (files == null) files = new java.util.HashSet<>();
                    files.add(name);
                    i++;
                } else {
                    int j = groupEnd(p, slash, i + 1, hi);
                    TreeEntry sub = dir(p.substring(0, slash), slash + 1, i, j);
                    list.add(new TreeEntry(
                            p.substring(nameAt, slash), FileKind.DIRECTORY, ObjectType.TREE, sub.id(), sub.size()));
                    if (folderAt == null) folderAt = new ArrayList<>();
                    folderAt.add(i);
                    i = j;
                }
            }
            if (files != null && folderAt != null) {
                for (int at : folderAt) {
                    String under = entries.get(at).path();
                    String name = under.substring(nameAt, under.indexOf('/', nameAt));
                    if (files.contains(name)) {
                        throw new dev.forge.core.error.ForgeException(
                                "the stage holds '" + under.substring(0, under.indexOf('/', nameAt))
                                        + "' both as a file and as a folder (of '" + under
                                        + "'); remove one of them with 'forge rm --cached'");
                    }
                }
            }
            Tree t = new Tree(list);
            ObjectId id = sink.putObject(ObjectType.TREE, t.encode());
            encoded++;
            long size = t.totalSize();
            if (prefix != null) out.put(path, new TreeCache.Dir(fingerprint, hi - lo, id, size));
            return new TreeEntry("-", FileKind.DIRECTORY, ObjectType.TREE, id, size);
        }

        /** Keeps the records of the folders below a folder taken from the cache that still match. */
        private void carry(int nameAt, int lo, int hi) {
            for (int i = lo; i < hi; ) {
                String p = entries.get(i).path();
                int slash = p.indexOf('/', nameAt);
                if (slash < 0) {
                    i++;
                    continue;
                }
                int j = groupEnd(p, slash, i + 1, hi);
                String sub = p.substring(0, slash);
                TreeCache.Dir known = cache.get(sub);
                if (known != null && known.count() == j - i && known.fingerprint() == prefix.of(i, j)) {
                    out.put(sub, known);
                }
                carry(slash + 1, i, j);
                i = j;
            }
        }
    }

    /**
     * The root tree of the stage whose root tree was {@code before}, after {@code changes} (path to its
     * new entry, or to null for a removal of that file; a removal of a path the stage does not hold as
     * a file changes nothing, as in the stage itself). Only the folders on the changed paths are read,
     * re-encoded and stored; every other folder keeps its tree. An {@code add} of one file in a stage of
     * 100,000 thus encodes two folders instead of passing over 100,000 entries to check the tree cache
     * (see {@link TreeCache}).
     *
     * <p>Null when the changes cannot be applied to the trees alone: a file put where a folder is, or
     * a path below a file. The caller then builds the trees from the whole stage, which refuses the
     * stage that is wrong with its own message or builds the one that is right (a removal of "a/b" and
     * a put of "a" in the same change).
     */
    static ObjectId apply(
            ObjectReader objects, ObjectId before, SortedMap<String, StageEntry> changes, ObjectSink sink) {
        Patch root = new Patch();
        for (var c : changes.entrySet()) {
            Patch p = root;
            String path = c.getKey();
            int from = 0;
            for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', from)) {
                p = p.folders.computeIfAbsent(path.substring(from, slash), n -> new Patch());
                from = slash + 1;
            }
            p.files.put(path.substring(from), java.util.Optional.ofNullable(c.getValue()));
        }
        TreeEntry out = root.applyTo(objects, before, sink, true);
        return out == null ? null : out.id();
    }

    /** The changes below one folder: its files' (empty: removed) and its sub-folders', by name. */
    private static final class Patch {
        /** What {@link #applyTo} gives for a folder left empty (compared by identity). */
        private static final TreeEntry DROPPED =
                new TreeEntry("-", FileKind.DIRECTORY, ObjectType.TREE, ObjectId.of(new byte[ObjectId.LENGTH]), 0);

        final java.util.Map<String, java.util.Optional<StageEntry>> files = new java.util.HashMap<>();
        final java.util.Map<String, Patch> folders = new java.util.HashMap<>();

        /**
         * The folder {@code tree} (null: none yet) with these changes, stored; null when a change does
         * not fit (see {@link #apply}); {@link #DROPPED} for a folder left with nothing in it, unless it
         * is the root (a stage has no empty folders).
         */
        TreeEntry applyTo(ObjectReader objects, ObjectId tree, ObjectSink sink, boolean root) {
            java.util.Map<String, TreeEntry> byName = new java.util.HashMap<>();
            if (tree != null) {
                for (TreeEntry e : objects.tree(tree).entries()) byName.put(e.name(), e);
            }
            for (var f : files.entrySet()) {
                String name = f.getKey();
                TreeEntry cur = byName.get(name);
                boolean folderThere = cur != null && cur.kind() == FileKind.DIRECTORY;
                if (f.getValue().isEmpty()) {
                    if (cur != null && !folderThere) byName.remove(name);
                    continue;
                }
                if (folderThere) return null;
                StageEntry e = f.getValue().get();
                byName.put(
                        name,
                        new TreeEntry(
                                name,
                                e.kind(),
                                e.content().type(),
                                e.content().id(),
                                e.content().size()));
            }
            for (var d : folders.entrySet()) {
                String name = d.getKey();
                TreeEntry cur = byName.get(name);
                if (cur != null && cur.kind() != FileKind.DIRECTORY) return null;
                TreeEntry sub = d.getValue().applyTo(objects, cur == null ? null : cur.id(), sink, false);
                if (sub == null) return null;
                if (sub == DROPPED) {
                    byName.remove(name);
                } else {
                    byName.put(name, new TreeEntry(name, FileKind.DIRECTORY, ObjectType.TREE, sub.id(), sub.size()));
                }
            }
            Tree t = new Tree(new ArrayList<>(byName.values()));
            if (t.entries().isEmpty() && !root) return DROPPED;
            ObjectId id = sink.putObject(ObjectType.TREE, t.encode());
            return new TreeEntry("-", FileKind.DIRECTORY, ObjectType.TREE, id, t.totalSize());
        }
    }

    /** Every file below {@code treeId}, by path. */
    static SortedMap<String, StageEntry> flatten(ObjectReader objects, ObjectId treeId) {
        SortedMap<String, StageEntry> out = new TreeMap<>(Tree.NAME_ORDER);
        flattenInto(objects, treeId, out);
        return out;
    }

    /**
     * Adds every file below {@code treeId} to {@code out}, by path (any map: see Status). Walks without
     * recursion and refuses a tree nested deeper than {@link Tree#MAX_DEPTH}.
     */
    static void flattenInto(ObjectReader objects, ObjectId treeId, java.util.Map<String, StageEntry> out) {
        record Dir(ObjectId id, String path, int depth) {}
        java.util.Deque<Dir> todo = new java.util.ArrayDeque<>();
        todo.push(new Dir(treeId, "", 0));
        while (!todo.isEmpty()) {
            Dir d = todo.pop();
            for (TreeEntry e : objects.tree(d.id()).entries()) {
                String path = d.path().isEmpty() ? e.name() : d.path() + "/" + e.name();
                if (e.kind() == FileKind.DIRECTORY) {
                    if (d.depth() + 1 >= Tree.MAX_DEPTH) throw tooDeep(e.id(), path);
                    todo.push(new Dir(e.id(), path, d.depth() + 1));
                } else {
                    out.put(path, new StageEntry(path, e.kind(), e.content()));
                }
            }
        }
    }

    /** The error for a tree below {@link Tree#MAX_DEPTH} folders, naming it and the start of its path. */
    static dev.forge.core.error.IntegrityException tooDeep(ObjectId tree, String path) {
        String shown = path.length() <= 80 ? path : path.substring(0, 80) + "...";
        return new dev.forge.core.error.IntegrityException("tree " + tree.shortHex() + " ('" + shown
                + "') is nested more than " + Tree.MAX_DEPTH
                + " folders deep, deeper than forge reads (a damaged or hostile tree)");
    }
}
