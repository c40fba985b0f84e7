package dev.forge.mirror;

import dev.forge.core.error.NotFoundException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.StageEntry;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.SparsePaths;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code forge prefetch PATH... [--rev R]}: downloads ahead of need the contents of the files under
 * PATHs at a commit that this clone does not have yet (a render wrapper runs it for the next frames
 * while the current ones render), so that the checkout or show that follows reads only local disk.
 * The sparse paths do not change, and nothing in the work tree is written.
 */
public final class Prefetch {
    private final Repository repo;
    private final Remote remote;

    public Prefetch(Repository repo, Remote remote) {
        this.repo = repo;
        this.remote = remote;
    }

    /** {@code files}: the files under the paths; {@code bytesReceived}: what was downloaded for them. */
    public record Result(ObjectId commit, int files, long bytesReceived) {}

    public Result run(String rev, List<String> paths, ProgressListener progress) {
        ObjectId commit = repo.resolve(rev);
        SparsePaths wanted = SparsePaths.of(paths);
        Set<ObjectId> contents = new LinkedHashSet<>();
        int files = 0;
        for (StageEntry e :
                repo.objects().files(repo.objects().commit(commit).tree()).values()) {
            if (!wanted.includes(e.path())) continue;
            files++;
            contents.add(e.content().id());
        }
        if (files == 0) {
            throw new NotFoundException("no file at " + rev + " is under " + String.join(", ", paths));
        }
        long received = new Fetch(repo, remote).contents(contents, progress);
        return new Result(commit, files, received);
    }
}
