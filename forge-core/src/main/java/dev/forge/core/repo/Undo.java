package dev.forge.core.repo;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.RefNames;
import dev.forge.core.port.Operation;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.StageEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/**
 * The operation log and {@code forge undo}. Undo applies the inverse of the newest operation (refs
 * and HEAD back to their values before it, the stage back to its recorded snapshot) and records that
 * as an operation itself, so undoing an undo redoes. The work tree follows when it has no changes of
 * its own; otherwise it is left alone and the user is told.
 */
public final class Undo {
    private final Repository repo;

    public Undo(Repository repo) {
        this.repo = repo;
    }

    public List<Operation> log(int limit) {
        return repo.meta().operations(limit);
    }

    public record Result(Operation undone, boolean workTreeUpdated, ObjectId head) {}

    public Result run(ProgressListener progress) {
        List<Operation> last = repo.meta().operations(1);
        if (last.isEmpty()) throw new ForgeException("nothing to undo: the operation log is empty");
        Operation op = last.get(0);
        if (repo.mergeState().isPresent()) {
            throw new ForgeException(
                    "a merge is in progress; finish it with 'forge commit' or stop it with 'forge merge --abort' first");
        }
        Head headAfter = parseHead(op.headBefore());
        List<Operation.RefChange> inverse = new ArrayList<>();
        for (Operation.RefChange c : op.refChanges())
            inverse.add(new Operation.RefChange(c.ref(), c.after(), c.before()));
        ObjectId targetCommit = switch (headAfter) {
            case Head.Detached d -> d.commit();
            case Head.OnBranch b -> refAfter(b.branch(), inverse);
        };
        Transaction tx = repo.begin("undo " + op.command());
        Stage current = tx.stage();
        boolean moved = false;
        Status.Report status = op.movedWorkTree() ? new Status(repo).run(ProgressListener.NONE) : null;
        if (status != null && status.unstaged().isEmpty() && status.skipped().isEmpty()) {
            ObjectId stageAfter = op.stageBefore() != null ? op.stageBefore() : current.snapshot(repo);
            SortedMap<String, StageEntry> target = Trees.flatten(repo.objects, stageAfter);
            try {
                WorkTreeMove move = WorkTreeMove.plan(repo, target, current.entries());
                move.check(tx.description(), false).apply(false, progress, tx, stageAfter);
                moved = true;
            } catch (dev.forge.core.error.WouldOverwriteException e) {
                // Untracked files in the way: leave the work tree alone; refs, HEAD and stage still go back.
            }
        }
        if (!moved && op.stageBefore() != null) {
            tx.replaceStage(Trees.flatten(repo.objects, op.stageBefore()).values(), op.stageBefore());
        }
        tx.setHead(headAfter);
        for (Operation.RefChange c : inverse) {
            if (c.after() == null) tx.deleteRef(c.ref());
            else tx.setRef(c.ref(), c.after());
        }
        for (Operation.RemoteChange c : op.remoteChanges()) {
            if (c.before() == null) tx.deleteRemote(c.name());
            else tx.setRemote(c.name(), c.before());
        }
        tx.commit();
        return new Result(op, moved, targetCommit);
    }

    /** The commit the branch names after the inverse changes apply. */
    private ObjectId refAfter(String branch, List<Operation.RefChange> inverse) {
        String ref = RefNames.branch(branch);
        for (Operation.RefChange c : inverse) {
            if (c.ref().equals(ref)) return c.after();
        }
        return repo.meta().ref(ref).orElse(null);
    }

    static Head parseHead(String s) {
        try {
            return Head.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IntegrityException("operation log names an invalid HEAD '" + s + "'");
        }
    }
}
