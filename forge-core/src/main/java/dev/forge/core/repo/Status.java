package dev.forge.core.repo;

import dev.forge.core.model.ContentRef;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.Tree;
import dev.forge.core.port.MetadataStore;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.StageEntry;
import dev.forge.core.port.StageView;
import dev.forge.core.port.StatEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code forge status}: what the next commit would record (HEAD vs stage), what is changed but not
 * staged (stage vs work tree), and what is untracked. Files whose stat matches the cache are not read;
 * changed ones are hashed (not stored), and their fresh stat is cached for the next run. What cannot be
 * read is listed in {@link Report#skipped} and reported neither as changed nor as deleted.
 */
public final class Status {
    private final Repository repo;

    public Status(Repository repo) {
        this.repo = repo;
    }

    public enum ChangeKind {
        ADDED,
        MODIFIED,
        DELETED,
        TYPE_CHANGED
    }

    public record Change(String path, ChangeKind kind) {}

    public record Report(
            String branch,
            Optional<ObjectId> headCommit,
            List<Change> staged,
            List<Change> unstaged,
            List<String> untracked,
            Optional<dev.forge.core.port.MergeState> merge,
            List<SkippedPath> skipped) {
        public boolean clean() {
            return staged.isEmpty()
                    && unstaged.isEmpty()
                    && untracked.isEmpty()
                    && merge.isEmpty()
                    && skipped.isEmpty();
        }
    }

    public Report run(ProgressListener progress) {
        long wallStart = System.currentTimeMillis() * 1_000_000L;
        // Hash maps, not path-ordered ones: with 100,000 files, keeping three maps in path order cost more
        // than the whole scan. Only the (short) lists of changes are sorted, at the end.
        Optional<ObjectId> head = repo.headCommit();
        // The stage and stat cache as a view over the stage file's bytes: a file found is looked up and
        // compared there, and only the entries a change names become objects.
        StageView stage = repo.meta().stageView();
        long stageDigest = stage.digest();
        // Right after a commit the stage is HEAD's tree: the commit recorded that, with the stage's
        // digest, and while the digest is unchanged HEAD's trees need not be read and compared.
        Optional<ObjectId> headTree = head.map(h ->
                repo.meta().knownTree(h).orElseGet(() -> repo.objects.commit(h).tree()));
        Optional<MetadataStore.StageTree> known = repo.meta().stageTree();
        List<Change> staged;
        if (headTree.isPresent()
                && known.isPresent()
                && known.get().stageDigest() == stageDigest
                && known.get().tree().equals(headTree.get())) {
            staged = List.of();
        } else {
            Map<String, StageEntry> committed = new HashMap<>();
            if (headTree.isPresent()) Trees.flattenInto(repo.objects, headTree.get(), committed);
            Map<String, StageEntry> entries = new HashMap<>(stage.size() * 2);
            for (int i = 0; i < stage.size(); i++) {
                StageEntry e = stage.entry(i);
                entries.put(e.path(), e);
            }
            staged = diff(committed, entries);
        }

        WorkTree.Scan scan = repo.workTree().scanUnsorted("", stage.size());
        List<SkippedPath> skipped = new ArrayList<>(scan.skipped());
        List<Change> unstaged = new ArrayList<>();
        List<String> untracked = new ArrayList<>();
        List<WorkFile> toHash = new ArrayList<>();
        // One lookup per file found; the stage is searched for what the scan did not find only when
        // fewer tracked files were found than the stage holds.
        java.util.BitSet seen = new java.util.BitSet(stage.size());
        for (WorkFile f : scan.files()) {
            int i = stage.find(f.path());
            if (i < 0) {
                untracked.add(f.path());
            } else {
                seen.set(i);
                compare(stage, i, f, unstaged, toHash);
            }
        }
        if (seen.cardinality() < stage.size()) {
            SparsePaths sparse = repo.sparse();
            for (int i = seen.nextClearBit(0); i < stage.size(); i = seen.nextClearBit(i + 1)) {
                String path = stage.entry(i).path();
                // Tracked files stay tracked even when an ignore pattern matches them now.
                if (covered(skipped, path)) continue;
                WorkFile f;
                try {
                    f = repo.workTree().stat(path);
                } catch (WorkTree.UnreadablePathException x) {
                    skipped.add(x.skipped());
                    continue;
                }
                if (f != null) compare(stage, i, f, unstaged, toHash);
                else if (sparse.includes(path)) unstaged.add(new Change(path, ChangeKind.DELETED));
            }
        }
        untracked.sort(Tree.NAME_ORDER);
        if (!toHash.isEmpty()) {
            long total = 0;
            for (WorkFile f : toHash) total += f.size();
            progress.begin("Comparing", total, "B");
            List<Ingester.Result> results;
            Ingester ingester = new Ingester(repo.store().objects(), repo.config(), false, progress).skipUnreadable();
            try {
                results = ingester.run(toHash);
            } finally {
                progress.end();
            }
            skipped.addAll(ingester.skipped());
            // Only the stat cache changes: the transaction writes no op-log entry for it.
            Transaction tx = repo.begin("status");
            for (Ingester.Result r : results) {
                if (r == null) continue;
                WorkFile f = r.file();
                if (!r.content().equals(stage.entry(stage.find(f.path())).content()))
                    unstaged.add(new Change(f.path(), ChangeKind.MODIFIED));
                if (r.stable() && WorkTree.cacheable(f, wallStart)) {
                    tx.putStat(f.path(), new StatEntry(f.size(), f.mtimeNanos(), f.inode(), r.content()));
                }
            }
            tx.commit();
        }
        unstaged.sort((a, b) -> Tree.NAME_ORDER.compare(a.path(), b.path()));
        String branch = repo.head().branchName().orElse(null);
        skipped.sort((a, b) -> Tree.NAME_ORDER.compare(a.path(), b.path()));
        return new Report(branch, head, staged, unstaged, untracked, repo.mergeState(), List.copyOf(skipped));
    }

    /** Compares a tracked file with its stage entry: a change found, or the file to hash, or nothing. */
    private static void compare(StageView stage, int i, WorkFile f, List<Change> unstaged, List<WorkFile> toHash) {
        if (f.kind() != stage.kind(i)) {
            unstaged.add(new Change(f.path(), ChangeKind.TYPE_CHANGED));
        } else if (f.size() != stage.contentSize(i)) {
            unstaged.add(new Change(f.path(), ChangeKind.MODIFIED));
        } else {
            switch (stage.compareStat(i, f.size(), f.mtimeNanos(), f.inode())) {
                case StageView.STAT_SAME_CONTENT -> {}
                case StageView.STAT_OTHER_CONTENT -> unstaged.add(new Change(f.path(), ChangeKind.MODIFIED));
                default -> toHash.add(f);
            }
        }
    }

    private static boolean covered(List<SkippedPath> skipped, String path) {
        for (SkippedPath s : skipped) {
            if (s.covers(path)) return true;
        }
        return false;
    }

    /** Changes that turn {@code from} into {@code to}, in path order. */
    static List<Change> diff(Map<String, StageEntry> from, Map<String, StageEntry> to) {
        List<Change> out = new ArrayList<>();
        for (StageEntry e : to.values()) {
            StageEntry old = from.get(e.path());
            if (old == null) {
                out.add(new Change(e.path(), ChangeKind.ADDED));
            } else if (old.kind() != e.kind()) {
                out.add(new Change(e.path(), ChangeKind.TYPE_CHANGED));
            } else if (!sameContent(old.content(), e.content())) {
                out.add(new Change(e.path(), ChangeKind.MODIFIED));
            }
        }
        for (String path : from.keySet()) {
            if (!to.containsKey(path)) out.add(new Change(path, ChangeKind.DELETED));
        }
        out.sort((a, b) -> Tree.NAME_ORDER.compare(a.path(), b.path()));
        return out;
    }

    static boolean sameContent(ContentRef a, ContentRef b) {
        return a.id().equals(b.id()) && a.size() == b.size();
    }
}
