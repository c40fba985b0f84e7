package dev.forge.core.repo;

import dev.forge.core.error.InvalidInputException;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.RefNames;
import dev.forge.core.port.Operation;
import dev.forge.core.port.ProgressListener;
import java.util.List;
import java.util.Optional;

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
        Head head = repo.head();
        if (!(head instanceof Head.OnBranch b) || !b.branch().equals(branch)) {
            throw new InvalidInputException("cannot fast-forward " + branch + ": HEAD is at " + repo.describeHead());
        }
        String ref = RefNames.branch(branch);
        Optional<ObjectId> before = repo.meta().ref(ref);
        List<Operation.RefChange> changes = List.of(new Operation.RefChange(ref, before.orElse(null), target));
        return new Checkout(repo).moveTo(target, head, command, false, changes, progress, System.nanoTime());
    }
}
