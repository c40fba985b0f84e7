package dev.forge.mirror;

import dev.forge.core.chunk.ChunkerParams;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.auth.FoundToken;
import dev.forge.mirror.auth.OAuthRefresh;
import dev.forge.mirror.auth.Provider;
import dev.forge.mirror.auth.TokenStore;
import dev.forge.mirror.blob.FileBlobStore;
import dev.forge.mirror.blob.ListingBlobStore;
import dev.forge.mirror.blob.Listings;
import dev.forge.mirror.blob.MeteredBlobStore;
import dev.forge.mirror.blob.ReadOnlyBlobStore;
import dev.forge.mirror.blob.RetryingBlobStore;
import dev.forge.mirror.dropbox.DropboxBlobStore;
import dev.forge.mirror.format.RemoteConfig;
import dev.forge.mirror.gdrive.GDriveBlobStore;
import dev.forge.mirror.github.GitHubBlobStore;
import dev.forge.mirror.http.HttpBlobStore;
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
    private final boolean readOnly;
    private final Path stateDir;
    private final int parallelism;
    private RemoteConfig config;

    private Remote(String name, BlobStore backend, Path stateDir, RemoteOptions options) {
        this.name = name;
        this.readOnly = backend instanceof ReadOnlyBlobStore;
        this.meter = new MeteredBlobStore(backend);
        // Listings outermost: their updates are retried like any write.
        this.blobs = new ListingBlobStore(new RetryingBlobStore(meter, options.policy(), options.retries()));
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
        return new Remote(
                name, backend(url, options), forgeDir.resolve("remotes").resolve(name), options);
    }

    /**
     * The blob store at {@code url} (relative paths from {@code cwd}), with retries as every command
     * gets them, for a command that reads a remote without a repository ({@code forge serve
     * --upstream}). An HTTP URL gives a read-only store.
     */
    public static BlobStore openStore(String url, Path cwd, RemoteOptions options) {
        BlobStore backend = backend(RemoteUrl.parse(url, cwd), options);
        return new RetryingBlobStore(backend, options.policy(), options.retries());
    }

    private static BlobStore backend(RemoteUrl url, RemoteOptions options) {
        return switch (url) {
            case RemoteUrl.Directory d -> new FileBlobStore(d.path());
            case RemoteUrl.S3 s -> S3BlobStore.open(s, options.parallelism(), options.policy());
            case RemoteUrl.Http h ->
                new ReadOnlyBlobStore(HttpBlobStore.open(h, options.policy(), options.parallelism()));
            // forge auth's store, per API host: the environment first, then the encrypted token file;
            // none is anonymous (enough to read a public repository). The refresh token likewise: the
            // environment's FORGE_*_REFRESH_TOKEN first, then the one 'forge auth login' kept.
            case RemoteUrl.GitHub g -> {
                java.net.URI api = java.net.URI.create(g.api());
                yield GitHubBlobStore.open(
                        g,
                        () -> TokenStore.forUser().find(Provider.GITHUB, api).map(FoundToken::token),
                        options.parallelism(),
                        options.policy());
            }
            case RemoteUrl.GDrive g -> {
                java.net.URI api = java.net.URI.create(g.api());
                yield GDriveBlobStore.open(
                        g,
                        () -> TokenStore.forUser().find(Provider.GDRIVE, api).map(FoundToken::token),
                        OAuthRefresh.of(
                                System.getenv(),
                                "FORGE_GDRIVE",
                                "Google",
                                GDriveBlobStore.tokenEndpoint(g),
                                TokenStore.forUser(),
                                Provider.GDRIVE,
                                api),
                        options.parallelism(),
                        options.policy());
            }
            case RemoteUrl.Dropbox d -> {
                java.net.URI api = java.net.URI.create(d.api());
                yield DropboxBlobStore.open(
                        d,
                        () -> TokenStore.forUser().find(Provider.DROPBOX, api).map(FoundToken::token),
                        OAuthRefresh.of(
                                System.getenv(),
                                "FORGE_DROPBOX",
                                "Dropbox",
                                DropboxBlobStore.tokenEndpoint(d),
                                TokenStore.forUser(),
                                Provider.DROPBOX,
                                api),
                        options.parallelism(),
                        options.policy());
            }
        };
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

    /** Refuses (exit 10) to write to a remote that can only be read, before anything is read or sent. */
    void requireWritable() {
        if (readOnly) {
            throw new RemoteUnavailableException(
                    "the remote " + describe() + " is read-only (plain HTTP): push to its storage URL (its folder,"
                            + " s3:// or r2:// URL) instead",
                    false);
        }
    }

    /**
     * The config, creating the remote (its config blob) on first push. Refuses a remote whose writer
     * features this forge does not maintain, before anything is written to it, and
     * sets the listings right that HTTP readers need (feature {@code pack-list}).
     */
    RemoteConfig ensureConfig(ChunkerParams chunking) {
        requireWritable();
        Optional<RemoteConfig> c = config();
        if (c.isEmpty()) {
            RemoteConfig fresh = RemoteConfig.of(chunking).withWriterFeature(Listings.FEATURE);
            blobs.putIfAbsent(RemoteConfig.BLOB, fresh.encode());
            config = null;
        }
        RemoteConfig written = c.isPresent() ? c.get() : requireConfig();
        written.requireWritable(describe());
        // Every writer keeps the listings that HTTP readers need; set them right (after a killed
        // push, or on a remote written before they existed), then say so in the config.
        Listings.reconcile(blobs);
        if (!written.writerFeatures().contains(Listings.FEATURE)) written = addWriterFeature(Listings.FEATURE);
        return written;
    }

    /** Adds a writer feature to the remote's config by compare-and-swap, keeping what others wrote. */
    RemoteConfig addWriterFeature(String feature) {
        while (true) {
            BlobStore.Versioned v = blobs.get(RemoteConfig.BLOB)
                    .orElseThrow(() -> new NotFoundException("the config of " + describe() + " vanished"));
            RemoteConfig current = RemoteConfig.parse(v.data(), describe());
            if (current.writerFeatures().contains(feature)) return config = current;
            RemoteConfig next = current.withWriterFeature(feature);
            if (blobs.replaceIfUnchanged(RemoteConfig.BLOB, next.encode(), v.token())) return config = next;
        }
    }

    @Override
    public void close() {
        blobs.close();
    }
}
