package dev.forge.core.repo;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.model.Commit;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.model.RefNames;
import dev.forge.core.port.StageEntry;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code forge commit}: writes the stage as trees and a commit, makes them durable, then moves the
 * branch (or a detached HEAD) in one synced batch with its op-log entry.
 */
public final class CommitOp {
    private final Repository repo;

    public CommitOp(Repository repo) {
        this.repo = repo;
    }

    public record Result(ObjectId commit, String branch, int files, long bytes, boolean rootCommit) {}

    /** Thrown when the stage equals the parent's tree; exits 1 like git's "nothing to commit". */
    public static final class NothingToCommitException extends ForgeException {
        NothingToCommitException(String message) {
            super(message);
        }
    }

    static void checkAuthor(String author) {
        if (author == null || !author.matches("[^<>]+ <[^<>]*>")) {
            throw new InvalidInputException("author must look like 'Name <mail>', got '" + author + "'");
        }
    }

    /** Writes the trees of {@code entries} and a commit over them, durably; returns the commit id. */
    static ObjectId write(
            Repository repo,
            java.util.Collection<StageEntry> entries,
            List<ObjectId> parents,
            String author,
            String message) {
        try (ObjectSink sink = newSink(repo)) {
            ObjectId tree = Trees.write(new ArrayList<>(entries), sink);
            ObjectId id = putCommit(sink, tree, parents, author, message);
            sink.flush();
            return id;
        }
    }

    private static ObjectSink newSink(Repository repo) {
        return new ObjectSink(
                repo.store().objects(),
                repo.config().compression(),
                repo.config().chunking().maxSize());
    }

    private static ObjectId putCommit(
            ObjectSink sink, ObjectId tree, List<ObjectId> parents, String author, String message) {
        return sink.putObject(
                ObjectType.COMMIT,
                new Commit(
                                tree,
                                parents,
                                author,
                                OffsetDateTime.now(ZoneId.systemDefault()).withNano(0),
                                message)
                        .encode());
    }

    public Result run(String message, String author, boolean allowEmpty) {
        if (message == null || message.isBlank())
            throw new InvalidInputException("a commit needs a message: forge commit -m MESSAGE");
        checkAuthor(author);
        // The stage as stored, not decoded: when the last change of the stage recorded the tree it equals
        // (every add, rm, mv, checkout does, for the op log), that tree is the commit's, and the 100,000
        // entries of a large stage are neither decoded nor walked again (docs/benchmarks.md, issue 16).
        dev.forge.core.port.StageView view = repo.meta().stageView();
        long stageDigest = view.digest();
        ObjectId knownTree = repo.meta()
                .stageTree()
                .filter(t -> t.stageDigest() == stageDigest)
                .map(dev.forge.core.port.MetadataStore.StageTree::tree)
                .filter(t -> repo.store().objects().containsIntact(t))
                .orElse(null);
        Head head = repo.head();
        Optional<ObjectId> parent = repo.headCommit();
        Optional<dev.forge.core.port.MergeState> merge = repo.mergeState();
        if (merge.isPresent() && !merge.get().conflicts().isEmpty()) {
            throw new dev.forge.core.error.ConflictException(
                    merge.get().conflicts().size() + " path(s) still in conflict ("
                            + merge.get().conflicts().get(0).path()
                            + (merge.get().conflicts().size() > 1 ? ", ..." : "")
                            + "); resolve them with 'forge resolve PATH --ours|--theirs' or edit and 'forge add', or 'forge merge --abort'");
        }
        long bytes = 0;
        for (int i = 0; i < view.size(); i++) bytes += view.contentSize(i);
        List<ObjectId> parents = new ArrayList<>(parent.map(List::of).orElse(List.of()));
        merge.ifPresent(m -> parents.add(m.theirs()));
        // Trees and commit go into one pack, published by one flush: the trees are built once.
        ObjectId stageTree;
        ObjectId commitId;
        long treeDigest = stageDigest;
        try (ObjectSink sink = newSink(repo)) {
            if (knownTree != null) {
                stageTree = knownTree;
            } else {
                // The stage's tree cache gives the trees of the folders the last `add` left as they are.
                Stage stage = repo.stage();
                treeDigest = stage.digest();
                stageTree =
                        Trees.write(stage.entries(), stage.treeCache(), sink).root();
            }
            if (!allowEmpty && merge.isEmpty()) {
                if (parent.isPresent()
                        && repo.objects.commit(parent.get()).tree().equals(stageTree)) {
                    throw new NothingToCommitException("nothing to commit: the stage matches "
                            + parent.get().shortHex() + " (use 'forge add' first)");
                }
                if (parent.isEmpty() && view.size() == 0) {
                    throw new NothingToCommitException("nothing to commit: the stage is empty (use 'forge add' first)");
                }
            }
            commitId = putCommit(sink, stageTree, parents, author, message);
            sink.flush();
        }
        Transaction tx = repo.begin(merge.isPresent() ? "commit (merge)" : "commit");
        String branch = null;
        if (head instanceof Head.OnBranch b) {
            branch = b.branch();
            tx.setRef(RefNames.branch(branch), commitId);
        } else {
            tx.setHead(new Head.Detached(commitId));
        }
        // The stage now equals the commit's tree; status relies on this while the stage is unchanged.
        tx.setStageTree(stageTree, treeDigest);
        if (merge.isPresent()) tx.clearMergeState();
        tx.commit();
        return new Result(commitId, branch, view.size(), bytes, parent.isEmpty());
    }
}
