package dev.forge.core.retain;

import dev.forge.core.model.Commit;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.TreeEntry;
import dev.forge.core.repo.ObjectReader;
import dev.forge.core.repo.PathPatterns;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates a {@link RetentionPolicy} over a history: which file contents no retained version needs.
 *
 * <p>The versions of a path, seen from a branch, are the contents it has in the commits of the branch's
 * first-parent chain (tip, first parent, its first parent, ...), commits without the path skipped and
 * consecutive equal contents counted once. A version is retained when
 *
 * <ul>
 *   <li>no rule in force governs the path (its glob does not match), or
 *   <li>it is in the tree of a branch tip or of an extra tip (tags, a detached HEAD): a branch or tag
 *       can always be checked out whole, or
 *   <li>a {@code keep-last N} rule governs the path and it is one of the N newest versions on a branch
 *       the rule applies to (every branch, or the rule's {@code --branch}), or
 *   <li>a {@code keep-within D} rule governs the path and it is in a first-parent commit of such a branch
 *       whose time is after now - D, or in the newest one at or before that (the version current when
 *       the window opened).
 * </ul>
 *
 * A content is <em>purgeable</em> when some governed version has it, no retained version has it, and no
 * ungoverned path in any reachable commit has it. Commits reached only through a second parent (or only
 * through {@code others}) are reachable, so their ungoverned files are kept, but they add no retained
 * version beyond their tips. Memory grows with the number of distinct (folder, tree) pairs times the
 * governed files below them.
 */
public final class Retention {
    private final ObjectReader objects;
    private final RetentionPolicy policy;
    private final List<Compiled> rules = new ArrayList<>();
    private final Map<String, List<Version>> memo = new HashMap<>();
    private final Set<ObjectId> ungoverned = new HashSet<>();

    private record Compiled(RetentionPolicy.Rule rule, PathPatterns patterns) {}

    /** A governed file in a tree: its path, content, and the rules that govern it. */
    private record Version(String path, ObjectId content, List<RetentionPolicy.Rule> rules) {}

    public Retention(ObjectReader objects, RetentionPolicy policy) {
        this.objects = objects;
        this.policy = policy;
        for (RetentionPolicy.Rule r : policy.active()) rules.add(new Compiled(r, PathPatterns.of(List.of(r.glob()))));
    }

    /**
     * The contents to purge, each with the rule that governs it (the first, for the message).
     *
     * @param branches branch name to tip commit
     * @param tips further tips whose trees are kept whole (tags, a detached HEAD)
     * @param history further commits whose history is reachable but not kept whole (recent operations)
     */
    public Map<ObjectId, RetentionPolicy.Rule> purgeable(
            Map<String, ObjectId> branches, Collection<ObjectId> tips, Collection<ObjectId> history, Instant now) {
        Map<ObjectId, RetentionPolicy.Rule> out = new LinkedHashMap<>();
        if (rules.isEmpty()) return out;
        // Every reachable commit: governed versions, and the ungoverned contents (through the walk).
        Map<ObjectId, RetentionPolicy.Rule> governed = new HashMap<>();
        Set<ObjectId> seen = new HashSet<>();
        Deque<ObjectId> todo = new ArrayDeque<>(branches.values());
        todo.addAll(tips);
        todo.addAll(history);
        while (!todo.isEmpty()) {
            ObjectId c = todo.pop();
            if (!seen.add(c)) continue;
            Commit commit = objects.commit(c);
            for (Version v : versions("", commit.tree()))
                governed.putIfAbsent(v.content(), v.rules().get(0));
            todo.addAll(commit.parents());
        }
        Set<ObjectId> kept = new HashSet<>();
        List<ObjectId> whole = new ArrayList<>(branches.values());
        whole.addAll(tips);
        for (ObjectId t : whole) {
            for (Version v : versions("", objects.commit(t).tree())) kept.add(v.content());
        }
        for (Compiled r : rules) {
            for (Map.Entry<String, ObjectId> b : branches.entrySet()) {
                if (r.rule().branch() != null && !r.rule().branch().equals(b.getKey())) continue;
                keep(r.rule(), b.getValue(), now, kept);
            }
        }
        governed.forEach((id, rule) -> {
            if (!kept.contains(id) && !ungoverned.contains(id)) out.put(id, rule);
        });
        return out;
    }

    /** Adds to {@code kept} what {@code rule} keeps along the first-parent chain from {@code tip}. */
    private void keep(RetentionPolicy.Rule rule, ObjectId tip, Instant now, Set<ObjectId> kept) {
        Map<String, ObjectId> last = new HashMap<>();
        Map<String, Integer> count = new HashMap<>();
        Instant cutoff = now.minus(rule.within());
        ObjectId c = tip;
        Set<ObjectId> seen = new HashSet<>();
        while (c != null && seen.add(c)) {
            Commit commit = objects.commit(c);
            boolean older = commit.time().toInstant().isBefore(cutoff);
            for (Version v : versions("", commit.tree())) {
                if (!v.rules().contains(rule)) continue;
                if (rule.kind() == RetentionPolicy.Kind.KEEP_WITHIN) {
                    kept.add(v.content());
                } else if (!v.content().equals(last.get(v.path()))) {
                    last.put(v.path(), v.content());
                    int n = count.merge(v.path(), 1, Integer::sum);
                    if (n <= rule.value()) kept.add(v.content());
                }
            }
            if (rule.kind() == RetentionPolicy.Kind.KEEP_WITHIN && older) return;
            c = commit.parents().isEmpty() ? null : commit.parents().get(0);
        }
    }

    /** The governed files below {@code tree} (at {@code prefix}); records ungoverned contents on the way. */
    private List<Version> versions(String prefix, ObjectId tree) {
        String key = prefix + "\0" + tree.hex();
        List<Version> known = memo.get(key);
        if (known != null) return known;
        List<Version> out = new ArrayList<>();
        for (TreeEntry e : objects.tree(tree).entries()) {
            String path = prefix.isEmpty() ? e.name() : prefix + "/" + e.name();
            if (e.kind() == FileKind.DIRECTORY) {
                out.addAll(versions(path, e.id()));
                continue;
            }
            List<RetentionPolicy.Rule> governing = new ArrayList<>(1);
            for (Compiled r : rules) if (r.patterns().matches(path)) governing.add(r.rule());
            if (governing.isEmpty()) ungoverned.add(e.id());
            else out.add(new Version(path, e.id(), List.copyOf(governing)));
        }
        List<Version> result = List.copyOf(out);
        memo.put(key, result);
        return result;
    }

    public RetentionPolicy policy() {
        return policy;
    }
}
