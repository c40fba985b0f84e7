package dev.forge.cli.web;

import dev.forge.core.error.InvalidInputException;
import dev.forge.core.model.ChunkList;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.Tree;
import dev.forge.core.model.TreeEntry;
import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.repo.ObjectReader;
import dev.forge.core.repo.Repository;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The web view's access to the repository. It is opened read-only for each request and closed
 * straight after, one request at a time (the index is one database with one lock), so that the
 * person using the view can keep committing while it runs, and every page shows the current state.
 */
final class RepoReader {
    /** What a request does with the open repository. */
    interface Work<T> {
        T run(Repository repo) throws IOException;
    }

    /** One changed path between two trees; {@code old} or {@code neu} is null where it does not exist. */
    record Change(String path, TreeEntry old, TreeEntry neu) {
        long sizeDelta() {
            return (neu == null ? 0 : neu.size()) - (old == null ? 0 : old.size());
        }
    }

    private final LocalStoreFactory stores;
    private final Path root;
    private final ReentrantLock lock = new ReentrantLock();

    RepoReader(LocalStoreFactory stores, Path root) {
        this.stores = stores;
        this.root = root;
    }

    Path root() {
        return root;
    }

    <T> T read(Work<T> work) throws IOException {
        lock.lock();
        try (Repository repo = Repository.open(stores, root, LocalStoreFactory.Mode.READ)) {
            return work.run(repo);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Checks a repository path from a URL: relative, '/'-separated, every name one a tree may hold (so
     * no "..", "." or empty name). The path is only ever looked up in tree objects, never joined to a
     * folder on disk; this check makes a hostile URL fail early and plainly.
     */
    static String checkPath(String path) {
        if (path == null || path.isEmpty()) return "";
        if (path.length() > 4096) throw new InvalidInputException("path too long");
        for (String name : path.split("/", -1)) {
            if (!TreeEntry.isSafeName(name) || name.indexOf('\\') >= 0)
                throw new InvalidInputException("not a repository path: '" + path + "'");
        }
        return path;
    }

    /** The entry at {@code path} below tree {@code tree} ("" is the tree itself: null), or null. */
    static TreeEntry find(ObjectReader objects, ObjectId tree, String path) {
        if (path.isEmpty()) return null;
        String[] names = path.split("/");
        ObjectId dir = tree;
        for (int i = 0; i < names.length; i++) {
            TreeEntry e = objects.tree(dir).find(names[i]);
            if (e == null) return null;
            if (i == names.length - 1) return e;
            if (e.kind() != FileKind.DIRECTORY) return null;
            dir = e.id();
        }
        return null;
    }

    /** The tree at folder {@code path} ("" the root), or null when there is no such folder. */
    static ObjectId folder(ObjectReader objects, ObjectId tree, String path) {
        if (path.isEmpty()) return tree;
        TreeEntry e = find(objects, tree, path);
        return e != null && e.kind() == FileKind.DIRECTORY ? e.id() : null;
    }

    /** Writes the bytes of file entry {@code e}, chunk by chunk (each checked by the store). */
    static void copy(ObjectReader objects, TreeEntry e, OutputStream out) throws IOException {
        for (ChunkList.ChunkRef c : objects.chunks(e.content())) out.write(objects.chunk(c));
    }

    /**
     * The files that differ between trees {@code a} and {@code b} (either null: empty), in path order,
     * at most {@code limit}. Subtrees with the same id are skipped unread, so a commit that changed a
     * few files of 100,000 costs a few tree reads.
     */
    static List<Change> changes(ObjectReader objects, ObjectId a, ObjectId b, int limit) {
        List<Change> out = new ArrayList<>();
        walk(objects, a, b, "", out, limit);
        return out;
    }

    private static void walk(ObjectReader objects, ObjectId a, ObjectId b, String prefix, List<Change> out, int limit) {
        if (a != null && a.equals(b)) return;
        List<TreeEntry> x = a == null ? List.of() : objects.tree(a).entries();
        List<TreeEntry> y = b == null ? List.of() : objects.tree(b).entries();
        int i = 0;
        int j = 0;
        while ((i < x.size() || j < y.size()) && out.size() < limit) {
            int cmp = i >= x.size()
                    ? 1
                    : j >= y.size()
                            ? -1
                            : Tree.NAME_ORDER.compare(x.get(i).name(), y.get(j).name());
            TreeEntry o = cmp <= 0 ? x.get(i++) : null;
            TreeEntry n = cmp >= 0 ? y.get(j++) : null;
            String path = prefix + (o != null ? o.name() : n.name());
            boolean od = o != null && o.kind() == FileKind.DIRECTORY;
            boolean nd = n != null && n.kind() == FileKind.DIRECTORY;
            if (od || nd) {
                walk(objects, od ? o.id() : null, nd ? n.id() : null, path + "/", out, limit);
                TreeEntry of = od ? null : o;
                TreeEntry nf = nd ? null : n;
                if ((of != null || nf != null) && out.size() < limit) out.add(new Change(path, of, nf));
                continue;
            }
            if (o != null && n != null && o.kind() == n.kind() && o.id().equals(n.id())) continue;
            out.add(new Change(path, o, n));
        }
    }
}
