package dev.forge.mirror;

import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.NonFastForwardException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.RefNames;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.FastForward;
import dev.forge.core.repo.ObjectReader;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Transaction;
import java.util.Optional;

/**
 * {@code forge pull}: fetch, then fast-forward the current branch (and the work tree) to the remote's
 * branch of the same name. When the histories diverged it changes nothing and says to merge.
 */
public final class Pull {
    private final Repository repo;
    private final Remote remote;

    public Pull(Repository repo, Remote remote) {
        this.repo = repo;
        this.remote = remote;
    }

    public enum Outcome {
        /** The branch already is where the remote's is. */
        UP_TO_DATE,
        /** The branch moved forward to the remote's. */
        FAST_FORWARD,
        /** The branch has commits the remote lacks and none missing: push them. */
        AHEAD
    }

    public record Result(
            Fetch.Result fetch,
            String branch,
            ObjectId before,
            ObjectId after,
            Outcome outcome,
            Checkout.Result checkout) {}

    public Result run(ProgressListener progress) {
        if (!(repo.head() instanceof Head.OnBranch onBranch)) {
            throw new InvalidInputException(
                    "HEAD is detached (" + repo.describeHead() + "); check out a branch before pulling");
        }
        String branch = onBranch.branch();
        // The fetch and the fast-forward are one operation: one op-log entry, undone together.
        Transaction tx = repo.begin("pull " + remote.name());
        Fetch.Result fetched = new Fetch(repo, remote).run(tx, progress);
        ObjectId theirs = fetched.branches().get(branch);
        Optional<ObjectId> ours = repo.ref(RefNames.branch(branch));
        ObjectReader objects = repo.objects();
        Outcome outcome;
        if (theirs == null) {
            tx.commit();
            throw new NotFoundException("the remote " + remote.name() + " has no branch '" + branch + "'"
                    + (fetched.branches().isEmpty()
                            ? ""
                            : " (it has: "
                                    + String.join(", ", fetched.branches().keySet()) + ")"));
        } else if (ours.isPresent() && ours.get().equals(theirs)) {
            outcome = Outcome.UP_TO_DATE;
        } else if (ours.isPresent() && objects.isAncestor(theirs, ours.get())) {
            outcome = Outcome.AHEAD;
        } else if (ours.isPresent() && !objects.isAncestor(ours.get(), theirs)) {
            tx.commit();
            String where = remote.name() + "/" + branch;
            throw new NonFastForwardException(
                    branch + " (" + ours.get().shortHex() + ") and " + where + " (" + theirs.shortHex()
                            + ") have diverged; fetched " + where + ": merge it with 'forge merge " + where
                            + "', then 'forge push'",
                    ours.get(),
                    theirs);
        } else {
            Checkout.Result c = new FastForward(repo).run(tx, branch, theirs, progress);
            return new Result(fetched, branch, ours.orElse(null), theirs, Outcome.FAST_FORWARD, c);
        }
        tx.commit();
        ObjectId at = ours.get();
        return new Result(fetched, branch, at, at, outcome, null);
    }
}
