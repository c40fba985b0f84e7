package dev.forge.mirror;

import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.model.ContentRef;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.PathText;
import dev.forge.core.port.ContentFetcher;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.repo.Repository;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Lazy fetch over a remote: what a sparse or lazy clone lacks is downloaded from {@code remoteName}
 * (the remote it was cloned from) when a command needs it: exactly those chunk lists and chunks, by coalesced
 * ranged reads, verified like every fetch. The remote is opened on the first need, so commands that
 * need nothing never touch the network.
 */
public final class LazyFetch implements ContentFetcher {
    private final Repository repo;
    private final String remoteName;
    private final RemoteOptions options;

    public LazyFetch(Repository repo, String remoteName, RemoteOptions options) {
        this.repo = repo;
        this.remoteName = remoteName;
        this.options = options;
    }

    @Override
    public void fetch(List<String> paths, List<ContentRef> contents) {
        Set<ObjectId> ids = new LinkedHashSet<>();
        for (ContentRef c : contents) ids.add(c.id());
        try (Remote remote = new Remotes(repo).open(remoteName, options)) {
            new Fetch(repo, remote).contents(ids, ProgressListener.NONE);
        } catch (RemoteUnavailableException | NotFoundException e) {
            // A remote folder that is gone (an unmounted NAS) is as unreachable as a server that is down.
            String named = paths.size() == 1
                    ? PathText.quote(paths.get(0))
                    : paths.size() + " files (" + PathText.quote(paths.get(0)) + ", ...)";
            throw new RemoteUnavailableException(
                    "cannot fetch " + named + " from " + remoteName + " (this clone fetches contents when they are"
                            + " needed): " + e.getMessage(),
                    e instanceof RemoteUnavailableException r && r.retryable(),
                    e);
        }
    }
}
