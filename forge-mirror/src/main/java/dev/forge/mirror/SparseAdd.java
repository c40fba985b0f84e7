package dev.forge.mirror;

import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.SparsePaths;
import java.util.List;

/**
 * {@code forge sparse add PATH...}: widens a sparse clone. Downloads what is missing of the files
 * under the paths in every commit the clone has (as a clone with those paths would have), then
 * records the paths and writes those files into the work tree. If the download fails nothing changes.
 */
public final class SparseAdd {
    private final Repository repo;
    private final Remote remote;

    public SparseAdd(Repository repo, Remote remote) {
        this.repo = repo;
        this.remote = remote;
    }

    public record Result(SparsePaths paths, long bytesReceived, int filesWritten, long bytesWritten) {}

    public Result run(List<String> paths, ProgressListener progress) {
        SparsePaths before = repo.sparse();
        if (!before.isSparse())
            throw new InvalidInputException("this is not a sparse clone: every path is here already");
        SparsePaths after = before.plus(paths);
        ObjectId head =
                repo.headCommit().orElseThrow(() -> new NotFoundException("HEAD has no commit yet: nothing to fetch"));
        // Every commit here, not only HEAD: checkout --into, show and diff of older commits read them too.
        // The named paths, even ones already kept: what an interrupted fetch left missing is fetched now.
        java.util.Set<ObjectId> tips =
                new java.util.HashSet<>(repo.refs("refs/").values());
        tips.add(head);
        SparsePaths named = SparsePaths.of(paths);
        long received = new Fetch(repo, remote).fill(tips, named::includes, progress);
        after.save(repo.forgeDir());
        List<String> added =
                after.paths().stream().filter(p -> !before.paths().contains(p)).toList();
        if (added.isEmpty()) return new Result(after, received, 0, 0);
        Checkout.Result written = new Checkout(repo).restore(repo.root(), added, null, progress);
        return new Result(after, received, written.written(), written.bytes());
    }
}
