package dev.forge.mirror;

import dev.forge.core.chunk.ChunkerParams;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.blob.FileBlobStore;
import dev.forge.mirror.blob.MeteredBlobStore;
import dev.forge.mirror.blob.RetryingBlobStore;
import dev.forge.mirror.format.RemoteConfig;
import dev.forge.mirror.github.GitHubBlobStore;
import dev.forge.mirror.s3.S3BlobStore;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One remote opened for one command: its blob store (retrying, metered), its refs, and the local
 * state Forge keeps about it under {@code .forge/remotes/<name>/} (the pack-index cache and packs
 * staged for upload).
 */
public final class Remote implements AutoCloseable {
    /** Default number of transfers in flight. */
    public static final int DEFAULT_PARALLELISM = 8;

    private final String name;
    private final BlobStore blobs;
    private final MeteredBlobStore meter;
    private final Path stateDir;
    private final int parallelism;
    private RemoteConfig config;

    private Remote(String name, BlobStore backend, Path stateDir, RemoteOptions options) {
        this.name = name;
        this.meter = new MeteredBlobStore(backend);
        this.blobs = new RetryingBlobStore(meter, options.policy(), options.retries());
        this.stateDir = stateDir;
        this.parallelism = options.parallelism();
    }

    /** Opens remote {@code name} at {@code url}, keeping its local state under {@code forgeDir/remotes/name}. */
    public static Remote open(String name, String url, Path forgeDir, int parallelism) {
        return open(
                name,
                RemoteUrl.parse(url, Path.of("").toAbsolutePath()),
                forgeDir,
                RemoteOptions.defaults().withParallelism(parallelism));
    }

    static Remote open(String name, RemoteUrl url, Path forgeDir, RemoteOptions options) {
        BlobStore backend = switch (url) {
            case RemoteUrl.Directory d -> new FileBlobStore(d.path());
            case RemoteUrl.S3 s -> S3BlobStore.open(s, options.parallelism(), options.policy());
            // The token comes from the environment for now; forge auth's token store plugs in here.
            case RemoteUrl.GitHub g ->
                GitHubBlobStore.open(
                        g, GitHubBlobStore.environmentToken(System.getenv()), options.parallelism(), options.policy());
        };
        return new Remote(name, backend, forgeDir.resolve("remotes").resolve(name), options);
    }

    /** For tests: a remote over any blob store. */
    public static Remote over(String name, BlobStore backend, Path forgeDir, int parallelism) {
        return new Remote(
                name,
                backend,
                forgeDir.resolve("remotes").resolve(name),
                RemoteOptions.defaults().withParallelism(parallelism));
    }

    public String name() {
        return name;
    }

    BlobStore blobs() {
        return blobs;
    }

    public MeteredBlobStore meter() {
        return meter;
    }

    int parallelism() {
        return parallelism;
    }

    Path stateDir() {
        return stateDir;
    }

    RemoteRefs refs() {
        return new RemoteRefs(blobs);
    }

    IndexCache indexCache() {
        return new IndexCache(blobs, stateDir.resolve("idx"), parallelism);
    }

    public String describe() {
        return blobs.describe();
    }

    /** The remote's config, or empty when nothing was ever pushed there. */
    public Optional<RemoteConfig> config() {
        if (config == null) {
            config = blobs.get(RemoteConfig.BLOB)
                    .map(v -> RemoteConfig.parse(v.data(), describe()))
                    .orElse(null);
        }
        return Optional.ofNullable(config);
    }

    /** The config of a remote that must exist (fetch, pull, clone). */
    public RemoteConfig requireConfig() {
        return config().orElseThrow(() -> new NotFoundException(
                "there is no forge remote at " + describe() + " (no 'config'); check the URL, or push to it first"));
    }

    /**
     * The config, creating the remote (its config blob) on first push. Refuses a remote whose writer
     * features this forge does not maintain, before anything is written to it.
     */
    RemoteConfig ensureConfig(ChunkerParams chunking) {
        Optional<RemoteConfig> c = config();
        if (c.isEmpty()) {
            blobs.putIfAbsent(RemoteConfig.BLOB, RemoteConfig.of(chunking).encode());
            config = null;
        }
        RemoteConfig written = c.isPresent() ? c.get() : requireConfig();
        written.requireWritable(describe());
        return written;
    }

    @Override
    public void close() {
        blobs.close();
    }
}
