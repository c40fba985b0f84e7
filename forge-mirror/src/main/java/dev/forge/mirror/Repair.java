package dev.forge.mirror;

import dev.forge.core.model.ObjectId;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.repo.Fsck;
import dev.forge.core.repo.Repository;
import java.util.List;
import java.util.Set;

/**
 * {@code forge repair --remote NAME}: downloads again, from a remote that has them, the objects whose
 * local records are damaged. It reads every pack first (as fsck does), which finds and remembers each
 * damaged record; the downloaded records then replace the damaged ones in the index. What the remote
 * lacks stays damaged and is listed. The damaged bytes stay in their packs, unused, until {@code forge
 * gc} rewrites those packs.
 */
public final class Repair {
    private final Repository repo;
    private final Remote remote;

    public Repair(Repository repo, Remote remote) {
        this.repo = repo;
        this.remote = remote;
    }

    /** {@code damaged}: what the check found; {@code missingOnRemote}: those the remote does not have. */
    public record Result(
            List<ObjectId> damaged, List<ObjectId> repaired, List<ObjectId> missingOnRemote, long bytesReceived) {}

    public Result run(ProgressListener progress) {
        remote.requireConfig();
        Set<ObjectId> damaged = new Fsck(repo).damaged(progress);
        Set<ObjectId> repaired = new Fetch(repo, remote).refetch(damaged, progress);
        List<ObjectId> left =
                damaged.stream().filter(id -> !repaired.contains(id)).sorted().toList();
        return new Result(
                damaged.stream().sorted().toList(),
                repaired.stream().sorted().toList(),
                left,
                remote.meter().bytesReceived());
    }
}
