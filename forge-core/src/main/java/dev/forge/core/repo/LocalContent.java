package dev.forge.core.repo;

import dev.forge.core.error.NotFoundException;
import dev.forge.core.model.ChunkList;
import dev.forge.core.model.ContentRef;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.model.Tree;
import dev.forge.core.port.ContentFetcher;
import dev.forge.core.port.ObjectStore;
import dev.forge.core.port.StageEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Whether files' contents are in this repository, asked before a command reads or writes any of them.
 * A sparse clone lacks the chunk lists and chunks of files outside its paths; reading one would fail
 * half-way through a command. So every command that reads contents ({@code checkout --into}, {@code
 * restore}, {@code show}, {@code diff}, merge, and the work-tree moves) asks {@link #require} first,
 * which refuses with a {@link NotFoundException} (exit 4) naming the paths and the command that
 * fetches them, before anything is written.
 *
 * <p>Only a sparse clone is checked: in a full repository every reachable object is meant to be here,
 * a missing one is damage, and it is reported as an integrity error where it is met.
 */
final class LocalContent {
    /** How many paths a message names before "...". */
    static final int NAMED = 3;

    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9._/@%+=:,-]+");

    private final Repository repo;
    private final ObjectStore store;
    private final ObjectReader objects;
    private final boolean sparse;
    private final ContentFetcher fetcher;
    private final Set<ObjectId> present = new HashSet<>();
    private final dev.forge.core.retain.PurgeRecord record;

    LocalContent(Repository repo) {
        this.repo = repo;
        this.store = repo.store().objects();
        this.objects = repo.objects;
        this.record = dev.forge.core.retain.PurgeRecord.load(repo.forgeDir());
        // Purged contents are missing by design too: check before reading, as in a sparse clone.
        this.sparse = repo.partial() || !record.isEmpty();
        this.fetcher = repo.lazyFetch();
    }

    /** Why {@code c} is gone, when it was purged (in the purge record and not here). */
    java.util.Optional<dev.forge.core.retain.PurgeRecord.Entry> purgedEntry(ContentRef c) {
        if (record.isEmpty()) return java.util.Optional.empty();
        var e = record.get(c.id());
        if (e.isEmpty() || has(c)) return java.util.Optional.empty();
        return e;
    }

    /** Those of {@code entries} whose contents were purged. */
    List<StageEntry> purged(Collection<StageEntry> entries) {
        List<StageEntry> out = new ArrayList<>();
        if (record.isEmpty()) return out;
        for (StageEntry e : entries) if (purgedEntry(e.content()).isPresent()) out.add(e);
        return out;
    }

    /** Whether the content and, for a chunk list, every chunk it names are stored here. */
    boolean has(ContentRef c) {
        if (!sparse || present.contains(c.id())) return true;
        if (!store.contains(c.id())) return false;
        if (c.type() == ObjectType.LIST) {
            for (ChunkList.ChunkRef r : objects.list(c.id()).chunks()) {
                if (!present.contains(r.id()) && !store.contains(r.id())) return false;
                present.add(r.id());
            }
        }
        present.add(c.id());
        return true;
    }

    /** The paths of {@code entries} whose contents are not here, in path order (none when not sparse). */
    List<String> missing(Collection<StageEntry> entries) {
        List<String> out = new ArrayList<>();
        if (!sparse) return out;
        for (StageEntry e : entries) {
            if (!has(e.content())) out.add(e.path());
        }
        out.sort(Tree.NAME_ORDER);
        return out;
    }

    /**
     * Throws when the contents of any of {@code entries} are not here.
     *
     * @param where what the files belong to, for the message ("HEAD~1", "the stage")
     */
    void require(Collection<StageEntry> entries, String where) {
        List<Map.Entry<String, ContentRef>> wanted = new ArrayList<>();
        for (StageEntry e : entries) wanted.add(Map.entry(e.path(), e.content()));
        ensure(wanted, where);
    }

    /**
     * Makes sure the contents of {@code wanted} (path, content) are here: with lazy fetch installed,
     * downloads what is missing (exactly those chunk lists and chunks); otherwise, or if some are still
     * missing, throws naming the paths and how to fetch them, before anything is written.
     */
    void ensure(Collection<Map.Entry<String, ContentRef>> wanted, String where) {
        if (!sparse) return;
        Map<String, ContentRef> missing = new TreeMap<>(Tree.NAME_ORDER);
        List<ContentRef> refs = new ArrayList<>();
        for (Map.Entry<String, ContentRef> w : wanted) {
            if (!has(w.getValue())) {
                missing.put(w.getKey(), w.getValue());
                refs.add(w.getValue());
            }
        }
        if (missing.isEmpty()) return;
        for (Map.Entry<String, ContentRef> m : missing.entrySet()) {
            var why = purgedEntry(m.getValue());
            if (why.isPresent()) throw purged(m.getKey(), where, why.get());
        }
        // Chunks evicted because the checked-out files hold them are read back from there first.
        if (new WorkTreeSource(repo).recover(missing) > 0) {
            missing.values().removeIf(this::has);
            refs.removeIf(this::has);
            if (missing.isEmpty()) return;
        }
        if (fetcher != null) {
            fetcher.fetch(List.copyOf(missing.keySet()), refs);
            missing.values().removeIf(this::has);
        }
        if (!missing.isEmpty()) throw notFetched(List.copyOf(missing.keySet()), where);
    }

    /** The error for a file version whose content was purged: exit 4, naming the policy or obliteration. */
    static NotFoundException purged(String path, String where, dev.forge.core.retain.PurgeRecord.Entry why) {
        String in = where == null ? "" : " (in " + where + ")";
        return new NotFoundException(
                "'" + path + "'" + in + " was " + why.describe() + ": its history is kept, its content is gone");
    }

    /** The error for files whose contents this sparse clone never fetched: names them and how to get them. */
    static NotFoundException notFetched(List<String> paths, String where) {
        String in = where == null ? "" : " (in " + where + ")";
        String fetch = "; fetch " + (paths.size() == 1 ? "it" : "them") + " with: forge sparse add "
                + String.join(
                        " ", fetchPaths(paths).stream().map(LocalContent::quote).toList());
        if (paths.size() == 1) {
            return new NotFoundException("'" + paths.get(0) + "'" + in
                    + " is outside this sparse clone: its contents were never fetched" + fetch);
        }
        String named =
                paths.size() <= NAMED ? String.join(", ", paths) : String.join(", ", paths.subList(0, NAMED)) + ", ...";
        return new NotFoundException(paths.size() + " files" + in
                + " are outside this sparse clone, their contents were never fetched: " + named + fetch);
    }

    /**
     * At most {@link #NAMED} paths that cover {@code paths}: the paths themselves when few, else their
     * folders, one level up at a time. "PATH..." when even the top-level folders are too many.
     */
    static List<String> fetchPaths(List<String> paths) {
        Set<String> cover = new TreeSet<>(paths);
        while (cover.size() > NAMED) {
            Set<String> up = new TreeSet<>();
            boolean moved = false;
            for (String p : cover) {
                int slash = p.lastIndexOf('/');
                if (slash > 0) {
                    up.add(p.substring(0, slash));
                    moved = true;
                } else {
                    up.add(p);
                }
            }
            if (!moved) return List.of("PATH...");
            // A folder covers the paths under it: keep only the outermost.
            Set<String> outer = new TreeSet<>();
            for (String p : up) {
                if (up.stream().noneMatch(o -> !o.equals(p) && p.startsWith(o + "/"))) outer.add(p);
            }
            cover = outer;
        }
        return List.copyOf(cover);
    }

    private static String quote(String path) {
        if (path.equals("PATH...") || SHELL_SAFE.matcher(path).matches()) return path;
        return "'" + path.replace("'", "'\\''") + "'";
    }
}
