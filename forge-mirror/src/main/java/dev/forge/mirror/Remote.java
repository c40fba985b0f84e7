package dev.forge.mirror;

import dev.forge.core.chunk.ChunkerParams;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.KeyException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.age.Passphrase;
import dev.forge.mirror.age.X25519Recipient;
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
import dev.forge.mirror.crypt.EncryptingBlobStore;
import dev.forge.mirror.crypt.KeySource;
import dev.forge.mirror.crypt.RemoteKeys;
import dev.forge.mirror.crypt.RepositoryKey;
import dev.forge.mirror.dropbox.DropboxBlobStore;
import dev.forge.mirror.format.RemoteConfig;
import dev.forge.mirror.gdrive.GDriveBlobStore;
import dev.forge.mirror.github.GitHubBlobStore;
import dev.forge.mirror.http.HttpBlobStore;
import dev.forge.mirror.s3.S3BlobStore;
import java.nio.file.Files;
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
    /** The stored blobs as the host has them (encrypted names and bytes on an encrypted remote). */
    private final ListingBlobStore listing;

    private final MeteredBlobStore meter;
    private final boolean readOnly;
    private final Path stateDir;
    private final int parallelism;
    private final KeySource keys;
    private final boolean mustEncrypt;
    /** What the protocol uses: {@link #listing}, or the encrypting store over it; chosen on first use. */
    private BlobStore blobs;

    private final BlobStore view = new View();

    private EncryptingBlobStore encrypting;
    /** A new key, for a remote the first push is to set up encrypted. */
    private RepositoryKey pendingKey;

    private RemoteConfig config;
    private boolean configJustFoundAbsent;

    private Remote(String name, BlobStore backend, Path stateDir, RemoteOptions options, boolean mustEncrypt) {
        this.name = name;
        this.readOnly = backend instanceof ReadOnlyBlobStore;
        this.meter = new MeteredBlobStore(backend);
        // Listings outermost but for encryption: their updates are retried like any write, and they list the
        // stored (encrypted) names, so a listing reveals no more than the host sees anyway.
        this.listing = new ListingBlobStore(new RetryingBlobStore(meter, options.policy(), options.retries()));
        this.stateDir = stateDir;
        this.parallelism = options.parallelism();
        this.keys = options.keys();
        this.mustEncrypt = mustEncrypt;
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
        Path state = forgeDir.resolve("remotes").resolve(name);
        if (url instanceof RemoteUrl.YouTube y) {
            // Write-only host: a push lands in a local staging store, always encrypted (a public host);
            // dev.forge.mirror.youtube.YouTubeMirror then packs what is new into videos and uploads them.
            Remote r = new Remote(
                    name, new FileBlobStore(dev.forge.mirror.youtube.YouTubeMirror.store(state)), state, options, true);
            r.youtube = y;
            return r;
        }
        return new Remote(
                name,
                backend(url, options),
                state,
                options,
                options.encryptGitHub() && url instanceof RemoteUrl.GitHub);
    }

    /** Set for a youtube:// mirror: its URL (the blobs are then the local staging store). */
    private RemoteUrl.YouTube youtube;

    /** The youtube:// URL of a YouTube mirror. */
    public Optional<RemoteUrl.YouTube> youtube() {
        return Optional.ofNullable(youtube);
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
            case RemoteUrl.YouTube y ->
                throw new InvalidInputException("youtube:// is a write-only mirror: it cannot be read as a remote"
                        + " (restore from downloaded videos: forge mirror restore NAME --from DIR)");
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
                RemoteOptions.defaults().withParallelism(parallelism),
                false);
    }

    /** For tests: a remote over any blob store, with these options. */
    public static Remote over(String name, BlobStore backend, Path forgeDir, RemoteOptions options) {
        return new Remote(name, backend, forgeDir.resolve("remotes").resolve(name), options, false);
    }

    public String name() {
        return name;
    }

    /**
     * The blobs as the protocol reads and writes them. On first use this reads the config: an encrypted remote
     * gets its repository key (the local {@code key.age}, else the remote's wrapped keys and the agent order)
     * and the encrypting store; a remote with no config yet that is to be encrypted (remote add --encrypt, or
     * GitHub) gets a new key that the first push sets up ({@link #ensureConfig}).
     */
    BlobStore blobs() {
        return view;
    }

    /** The store {@link #blobs} hands to: chosen (reading the config) on the first call that needs it. */
    private synchronized BlobStore resolved() {
        if (blobs == null) blobs = choose();
        return blobs;
    }

    /**
     * What {@link #blobs} returns: it reads nothing until it is used, so a command still refuses a read-only
     * remote (or fails on a bad argument) before it talks to it.
     */
    private final class View implements BlobStore {
        @Override
        public long putResuming(String n, Path file) {
            return resolved().putResuming(n, file);
        }

        @Override
        public Optional<Draft> draft(String folder) {
            return resolved().draft(folder);
        }

        @Override
        public long readInto(String n, long offset, int length, Path partial, byte[] dst) {
            return resolved().readInto(n, offset, length, partial, dst);
        }

        @Override
        public void getInto(String n, long offset, int length, byte[] dst) {
            resolved().getInto(n, offset, length, dst);
        }

        @Override
        public boolean local() {
            return resolved().local();
        }

        @Override
        public void put(String n, byte[] data) {
            resolved().put(n, data);
        }

        @Override
        public void put(String n, Path file) {
            resolved().put(n, file);
        }

        @Override
        public Optional<Versioned> get(String n) {
            return resolved().get(n);
        }

        @Override
        public byte[] get(String n, long offset, int length) {
            return resolved().get(n, offset, length);
        }

        @Override
        public Optional<BlobInfo> stat(String n) {
            return resolved().stat(n);
        }

        @Override
        public java.util.List<BlobInfo> list(String prefix) {
            return resolved().list(prefix);
        }

        @Override
        public void delete(String n) {
            resolved().delete(n);
        }

        @Override
        public boolean putIfAbsent(String n, byte[] data) {
            return resolved().putIfAbsent(n, data);
        }

        @Override
        public boolean replaceIfUnchanged(String n, byte[] data, String expectedToken) {
            return resolved().replaceIfUnchanged(n, data, expectedToken);
        }

        @Override
        public String describe() {
            return listing.describe();
        }

        @Override
        public void close() {
            // the remote closes what is below
        }
    }

    private BlobStore choose() {
        Optional<BlobStore.Versioned> raw = listing.get(RemoteConfig.BLOB);
        boolean localKey = Files.exists(stateDir.resolve(RemoteKeys.LOCAL_FILE));
        if (raw.isPresent()) {
            RemoteConfig rc = RemoteConfig.parse(raw.get().data(), describe());
            config = rc;
            RemoteConfig.Encryption e = rc.encryption();
            if (e == null) {
                if (localKey) {
                    throw new IntegrityException("the remote " + describe() + " was encrypted ("
                            + stateDir.resolve(RemoteKeys.LOCAL_FILE) + ") but its config no longer says so:"
                            + " refusing to use it unencrypted (was it replaced or tampered with?)");
                }
                return listing;
            }
            RepositoryKey rk = null;
            try {
                rk = RemoteKeys.openLocal(stateDir, keys, e.epoch()).orElse(null);
            } catch (KeyException ignored) {
                // the local copy does not open (identity replaced): the remote's wrapped keys may
            }
            if (rk != null && !rk.keyId().equals(e.keyId())) {
                // Never take a new key from the host for a remote this clone knows: a host could wrap
                // its own key to the members' public keys and read what is pushed next.
                throw new IntegrityException("the remote " + describe() + " names repository key " + e.keyId()
                        + ", not the key this clone keeps for it (" + rk.keyId() + " in "
                        + stateDir.resolve(RemoteKeys.LOCAL_FILE) + "): refusing it; if the remote was made"
                        + " again on purpose, run 'forge remote remove " + name + "' and add it again");
            }
            if (rk == null) {
                RemoteKeys.Opened o = RemoteKeys.openRemote(listing, e, keys);
                rk = new RepositoryKey(o.key(), e.epoch());
                // Keep it wrapped locally once there is a repository (a clone's probe has none yet).
                if (Files.isDirectory(stateDir.getParent().getParent()))
                    RemoteKeys.saveLocal(stateDir, rk, keys, Optional.of(o.by()));
            }
            encrypting = new EncryptingBlobStore(listing, rk);
            return encrypting;
        }
        configJustFoundAbsent = true;
        if (localKey || Files.exists(stateDir.resolve(RemoteKeys.REQUEST_FILE)) || mustEncrypt) {
            RepositoryKey rk = null;
            try {
                rk = localKey ? RemoteKeys.openLocal(stateDir, keys, 1).orElse(null) : null;
            } catch (KeyException ignored) {
                // a key of a remote that never got its config: make a new one
            }
            pendingKey = rk == null ? RepositoryKey.generate() : rk;
            encrypting = new EncryptingBlobStore(listing, pendingKey);
            return encrypting;
        }
        return listing;
    }

    /** Whether this remote is encrypted (or is to be, by its first push). */
    public boolean encrypted() {
        return resolved() instanceof EncryptingBlobStore;
    }

    /** The encrypting store of an encrypted remote, and the raw store below it (for forge key). */
    public EncryptingBlobStore encryptingStore() {
        if (!(resolved() instanceof EncryptingBlobStore e)) {
            throw new InvalidInputException("the remote " + describe() + " is not encrypted");
        }
        return e;
    }

    public BlobStore rawStore() {
        return listing;
    }

    /** The repository key of an encrypted remote that exists. */
    public RepositoryKey repositoryKey() {
        RemoteConfig rc = requireConfig();
        if (rc.encryption() == null || encrypting == null)
            throw new InvalidInputException("the remote " + describe() + " is not encrypted");
        return encrypting.key();
    }

    /** Deletes many blobs, each leaving its listing first (remote gc). */
    void deleteAll(java.util.List<String> names) {
        if (resolved() instanceof EncryptingBlobStore e) e.deleteAll(names);
        else listing.deleteAll(names);
    }

    /** Lists the packs put so far (remote gc). */
    void flushListings() {
        listing.flush();
    }

    public MeteredBlobStore meter() {
        return meter;
    }

    int parallelism() {
        return parallelism;
    }

    public Path stateDir() {
        return stateDir;
    }

    RemoteRefs refs() {
        return new RemoteRefs(blobs());
    }

    IndexCache indexCache() {
        return new IndexCache(blobs(), stateDir.resolve("idx"), parallelism);
    }

    public String describe() {
        return listing.describe();
    }

    /** The remote's config, or empty when nothing was ever pushed there. */
    public Optional<RemoteConfig> config() {
        resolved();
        if (config == null && configJustFoundAbsent) {
            // choose() has just read it: no second request for the same answer
            configJustFoundAbsent = false;
            return Optional.empty();
        }
        if (config == null) {
            config = listing.get(RemoteConfig.BLOB)
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
            RepositoryKey setUp = pendingKey;
            if (setUp != null) {
                setUpEncryption(setUp);
                fresh = fresh.withEncryption(
                        new RemoteConfig.Encryption(RemoteConfig.Encryption.SCHEME, setUp.epoch(), setUp.keyId()));
            }
            listing.putIfAbsent(RemoteConfig.BLOB, fresh.encode());
            config = null;
            RemoteConfig now = requireConfig();
            if (setUp != null
                    && (now.encryption() == null || !now.encryption().keyId().equals(setUp.keyId()))) {
                throw new dev.forge.core.error.ConflictException("another client created the remote " + describe()
                        + " at the same time as this push; run the push again");
            }
            pendingKey = null;
        } else if (Files.exists(stateDir.resolve(RemoteKeys.REQUEST_FILE))
                && c.get().encryption() == null) {
            throw new InvalidInputException("the remote " + describe() + " already holds an unencrypted repository;"
                    + " --encrypt applies only to a new remote (push to a new, empty location instead)");
        }
        RemoteConfig written = c.isPresent() ? c.get() : requireConfig();
        written.requireWritable(describe());
        // Every writer keeps the listings that HTTP readers need; set them right (after a killed
        // push, or on a remote written before they existed), then say so in the config.
        Listings.reconcile(listing);
        if (!written.writerFeatures().contains(Listings.FEATURE)) written = addWriterFeature(Listings.FEATURE);
        return written;
    }

    /**
     * The first push to a remote that is to be encrypted: keeps the new key wrapped locally, then writes the
     * wrapped keys and the members list to the remote (the config that says it is encrypted comes last).
     */
    private void setUpEncryption(RepositoryKey rk) {
        RemoteKeys.saveLocal(stateDir, rk, keys, Optional.empty());
        RemoteKeys.Request req = RemoteKeys.readRequest(stateDir);
        java.util.List<X25519Recipient> to = new java.util.ArrayList<>();
        to.add(keys.userIdentity().recipient());
        for (String r : req.recipients()) {
            X25519Recipient x = X25519Recipient.parse(r);
            if (!x.toString().equals(to.get(0).toString())) to.add(x);
        }
        Optional<Passphrase> passphrase = Optional.empty();
        if (req.passphrase()) {
            passphrase = Optional.of(keys.passphrase()
                    .orElseThrow(() -> new KeyException("remote '" + name
                            + "' was added with --passphrase: set FORGE_PASSPHRASE to push to it the first time")));
        }
        RemoteKeys.initRemote(listing, encrypting, rk, to, passphrase);
        keys.notices()
                .accept("encrypting " + describe() + ": a new repository key, wrapped to your identity "
                        + to.get(0) + " (" + keys.userIdentityFile() + ")"
                        + (to.size() > 1 ? " and " + (to.size() - 1) + " more recipient(s)" : "")
                        + (passphrase.isPresent() ? " and FORGE_PASSPHRASE" : "")
                        + "; add teammates with 'forge key add AGE_PUBLIC_KEY --remote " + name + "'");
    }

    /** Adds a writer feature to the remote's config by compare-and-swap, keeping what others wrote. */
    RemoteConfig addWriterFeature(String feature) {
        while (true) {
            BlobStore.Versioned v = listing.get(RemoteConfig.BLOB)
                    .orElseThrow(() -> new NotFoundException("the config of " + describe() + " vanished"));
            RemoteConfig current = RemoteConfig.parse(v.data(), describe());
            if (current.writerFeatures().contains(feature)) return config = current;
            RemoteConfig next = current.withWriterFeature(feature);
            if (listing.replaceIfUnchanged(RemoteConfig.BLOB, next.encode(), v.token())) return config = next;
        }
    }

    /** Adds a reader feature (also a writer feature) to the remote's config by compare-and-swap. */
    RemoteConfig addReaderFeature(String feature) {
        while (true) {
            BlobStore.Versioned v = listing.get(RemoteConfig.BLOB)
                    .orElseThrow(() -> new NotFoundException("the config of " + describe() + " vanished"));
            RemoteConfig current = RemoteConfig.parse(v.data(), describe());
            if (current.readerFeatures().contains(feature)
                    && current.writerFeatures().contains(feature)) return config = current;
            RemoteConfig next = current.withReaderFeature(feature);
            if (listing.replaceIfUnchanged(RemoteConfig.BLOB, next.encode(), v.token())) return config = next;
        }
    }

    @Override
    public void close() {
        listing.close();
    }
}
