package dev.forge.mirror.serve;

import java.util.Optional;

/**
 * The blobs {@code forge serve} offers, by remote-format name ({@code config}, {@code pack-list},
 * {@code ref-list}, {@code refs/...}, {@code packs/<id>.pack|.idx}). Implementations answer only
 * those names, so nothing else (lock blobs, files outside the store) can ever be served.
 */
public interface ServedBlobs extends AutoCloseable {
    /** What to send for {@code name} (a name {@link ServeNames#servable} accepts), or empty for 404. */
    Optional<Served> open(String name);

    /** Where the blobs come from, for the start-up line. */
    String describe();

    @Override
    void close();
}
