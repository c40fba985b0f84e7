package dev.forge.core.repo;

import dev.forge.core.error.InvalidInputException;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.RefNames;
import dev.forge.core.port.ProgressListener;

/**
 * Moves the current branch forward to a commit that descends from it (pull, clone), with the work
 * tree and stage, as one recorded operation. The caller has checked that it is a fast-forward; the
 * work-tree move refuses to overwrite uncommitted changes like checkout does.
 */
public final class FastForward {
    private final Repository repo;

    public FastForward(Repository repo) {
        this.repo = repo;
    }

    /**
     * Moves branch {@code branch} (which HEAD names, or which does not exist yet in an empty
     * repository) to {@code target}, checking it out.
     */
    public Checkout.Result run(String branch, ObjectId target, String command, ProgressListener progress) {
        return run(repo.begin(command), branch, target, progress);
    }

    /** The same, as part of {@code tx} (a pull records its fetch with it), which this commits. */
    public Checkout.Result run(Transaction tx, String branch, ObjectId target, ProgressListener progress) {
        Head head = tx.head();
        if (!(head instanceof Head.OnBranch b) || !b.branch().equals(branch)) {
            throw new InvalidInputException("cannot fast-forward " + branch + ": HEAD is at " + repo.describeHead());
        }
        tx.setRef(RefNames.branch(branch), target);
        return new Checkout(repo).moveTo(tx, target, head, false, progress, System.nanoTime());
    }
}
