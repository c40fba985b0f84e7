package dev.forge.core.port;

import dev.forge.core.model.ContentRef;
import java.util.List;

/**
 * Lazy fetch: downloads file contents a partial (sparse) clone never fetched, at the moment a command
 * needs them. The CLI installs one (over the clone's remote) on repositories that are sparse; without
 * one, such a command refuses with exit 4 and the {@code forge sparse add} that fetches them.
 */
public interface ContentFetcher {
    /**
     * Downloads into the local store the chunk lists and chunks of {@code contents}, which belong to
     * {@code paths} (for messages). Afterwards every one of them is stored here, or this threw: a
     * {@link dev.forge.core.error.RemoteUnavailableException} (exit 10) naming the paths when the remote
     * cannot be reached, an integrity error when it lacks them.
     */
    void fetch(List<String> paths, List<ContentRef> contents);
}
