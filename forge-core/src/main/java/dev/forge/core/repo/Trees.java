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
        Dir root = new Dir();
        for (StageEntry e : entries) {
            String[] parts = e.path().split("/");
            Dir d = root;
            for (int i = 0; i < parts.length - 1; i++) d = d.dirs.computeIfAbsent(parts[i], k -> new Dir());
            d.files.put(parts[parts.length - 1], e);
        }
        root.checkNoFileIsAFolder();
        return root.write(sink).id();
    }

    private static final class Dir {
        final TreeMap<String, Dir> dirs = new TreeMap<>();
        final TreeMap<String, StageEntry> files = new TreeMap<>();

        void checkNoFileIsAFolder() {
            for (var d : dirs.entrySet()) {
                StageEntry file = files.get(d.getKey());
                if (file != null) {
                    String under = file.path() + "/" + d.getValue().anyPath();
                    throw new dev.forge.core.error.ForgeException("the stage holds '" + file.path()
                            + "' both as a file and as a folder (of '" + under
                            + "'); remove one of them with 'forge rm --cached'");
                }
                d.getValue().checkNoFileIsAFolder();
            }
        }

        /** The path, relative to this folder, of one file below it. */
        String anyPath() {
            if (!files.isEmpty()) return files.firstKey();
            var d = dirs.firstEntry();
            return d.getKey() + "/" + d.getValue().anyPath();
        }

        TreeEntry write(ObjectSink sink) {
            List<TreeEntry> list = new ArrayList<>();
            for (var f : files.entrySet()) {
                StageEntry e = f.getValue();
                list.add(new TreeEntry(
                        f.getKey(),
                        e.kind(),
                        e.content().type(),
                        e.content().id(),
                        e.content().size()));
            }
            for (var d : dirs.entrySet()) {
                TreeEntry sub = d.getValue().write(sink);
                list.add(new TreeEntry(d.getKey(), FileKind.DIRECTORY, ObjectType.TREE, sub.id(), sub.size()));
            }
            Tree t = new Tree(list);
            ObjectId id = sink.putObject(ObjectType.TREE, t.encode());
            return new TreeEntry("-", FileKind.DIRECTORY, ObjectType.TREE, id, t.totalSize());
        }
    }

    /** Every file below {@code treeId}, by path; {@code prefix} "" is the root. */
    static SortedMap<String, StageEntry> flatten(ObjectReader objects, ObjectId treeId) {
        SortedMap<String, StageEntry> out = new TreeMap<>(Tree.NAME_ORDER);
        flatten(objects, treeId, "", out);
        return out;
    }

    /** Adds every file below {@code treeId} to {@code out}, by path (any map: see Status). */
    static void flattenInto(ObjectReader objects, ObjectId treeId, java.util.Map<String, StageEntry> out) {
        flatten(objects, treeId, "", out);
    }

    private static void flatten(
            ObjectReader objects, ObjectId treeId, String prefix, java.util.Map<String, StageEntry> out) {
        for (TreeEntry e : objects.tree(treeId).entries()) {
            String path = prefix.isEmpty() ? e.name() : prefix + "/" + e.name();
            if (e.kind() == FileKind.DIRECTORY) {
                flatten(objects, e.id(), path, out);
            } else {
                out.put(path, new StageEntry(path, e.kind(), e.content()));
            }
        }
    }
}
