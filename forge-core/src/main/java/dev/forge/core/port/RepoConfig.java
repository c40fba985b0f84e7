package dev.forge.core.port;

import dev.forge.core.chunk.ChunkerParams;
import dev.forge.core.codec.CompressionPolicy;

/**
 * A repository's settings. The chunking parameters are fixed at init (changing them would change
 * every id); the compression policy may change at any time (ids do not depend on it). {@code userName}
 * and {@code userEmail} are the commit author's, null when not set (docs/cli.md, "forge config").
 * {@code remoteTimeout} and {@code remoteMaxWait} (seconds) bound the waits of commands that talk to
 * a remote, null when not set (the defaults apply).
 */
public record RepoConfig(
        int format,
        ChunkerParams chunking,
        CompressionPolicy compression,
        int gcGraceDays,
        String userName,
        String userEmail,
        Integer remoteTimeout,
        Integer remoteMaxWait,
        Boolean lockReadOnly,
        String lockMainline,
        String lockLockable,
        java.util.SortedMap<String, String> remotePrices,
        java.util.SortedMap<String, String> remotePeers,
        Long storeMaxSize) {
    /** The branches that others merge into when {@code lock.mainline} is not set. */
    public static final String DEFAULT_LOCK_MAINLINE = "main";

    public static final int DEFAULT_GC_GRACE_DAYS = 14;
    /** Seconds a remote may go without answering before a command gives up (remote.timeout). */
    public static final int DEFAULT_REMOTE_TIMEOUT = 30;
    /** Seconds of waiting a server may ask for, in one request's retries (remote.maxWait). */
    public static final int DEFAULT_REMOTE_MAX_WAIT = 120;
    /** The longest either may be set to: a day. */
    public static final int MAX_REMOTE_SECONDS = 86_400;

    /** A config with the default gc grace period. */
    public RepoConfig(int format, ChunkerParams chunking, CompressionPolicy compression) {
        this(format, chunking, compression, DEFAULT_GC_GRACE_DAYS);
    }

    /** A config without a user. */
    public RepoConfig(int format, ChunkerParams chunking, CompressionPolicy compression, int gcGraceDays) {
        this(format, chunking, compression, gcGraceDays, null, null);
    }

    /** A config without remote settings. */
    public RepoConfig(
            int format,
            ChunkerParams chunking,
            CompressionPolicy compression,
            int gcGraceDays,
            String userName,
            String userEmail) {
        this(format, chunking, compression, gcGraceDays, userName, userEmail, null, null);
    }

    /** A config without lock settings. */
    public RepoConfig(
            int format,
            ChunkerParams chunking,
            CompressionPolicy compression,
            int gcGraceDays,
            String userName,
            String userEmail,
            Integer remoteTimeout,
            Integer remoteMaxWait) {
        this(
                format,
                chunking,
                compression,
                gcGraceDays,
                userName,
                userEmail,
                remoteTimeout,
                remoteMaxWait,
                null,
                null,
                null,
                java.util.Collections.emptySortedMap(),
                java.util.Collections.emptySortedMap(),
                null);
    }

    /** A config without remote prices. */
    public RepoConfig(
            int format,
            ChunkerParams chunking,
            CompressionPolicy compression,
            int gcGraceDays,
            String userName,
            String userEmail,
            Integer remoteTimeout,
            Integer remoteMaxWait,
            Boolean lockReadOnly,
            String lockMainline,
            String lockLockable) {
        this(
                format,
                chunking,
                compression,
                gcGraceDays,
                userName,
                userEmail,
                remoteTimeout,
                remoteMaxWait,
                lockReadOnly,
                lockMainline,
                lockLockable,
                java.util.Collections.emptySortedMap(),
                java.util.Collections.emptySortedMap(),
                null);
    }

    public RepoConfig {
        remotePrices = java.util.Collections.unmodifiableSortedMap(
                new java.util.TreeMap<>(remotePrices == null ? java.util.Map.of() : remotePrices));
        remotePeers = java.util.Collections.unmodifiableSortedMap(
                new java.util.TreeMap<>(remotePeers == null ? java.util.Map.of() : remotePeers));
        if (storeMaxSize != null && storeMaxSize < 0)
            throw new IllegalArgumentException("store.maxSize must not be negative: " + storeMaxSize);
        if (gcGraceDays < 0) throw new IllegalArgumentException("gc grace period must not be negative: " + gcGraceDays);
        if (remoteTimeout != null && (remoteTimeout < 1 || remoteTimeout > MAX_REMOTE_SECONDS))
            throw new IllegalArgumentException(
                    "remote.timeout must be 1 to " + MAX_REMOTE_SECONDS + " s: " + remoteTimeout);
        if (remoteMaxWait != null && (remoteMaxWait < 0 || remoteMaxWait > MAX_REMOTE_SECONDS))
            throw new IllegalArgumentException(
                    "remote.maxWait must be 0 to " + MAX_REMOTE_SECONDS + " s: " + remoteMaxWait);
    }

    /**
     * The repository format this code writes and the newest it can read: 2 since the stage and stat cache moved into
     * {@code .forge/stage} (a forge that reads only format 1 would see an empty stage there, so it must
     * refuse such a repository). Format 1 repositories are read as they are and marked 2 when the
     * stage moves (docs/format.md, "Stage file").
     */
    public static final int FORMAT = 2;

    public static RepoConfig defaults() {
        return new RepoConfig(FORMAT, ChunkerParams.DEFAULT, CompressionPolicy.AUTO);
    }

    /** A copy to change one setting of; {@link Edit#done} makes the new config (checked as any). */
    private Edit edit() {
        return new Edit(this);
    }

    /** The fields of a config, mutable, so that each {@code with...} names only what it changes. */
    private static final class Edit {
        final int format;
        final ChunkerParams chunking;
        CompressionPolicy compression;
        int gcGraceDays;
        String userName;
        String userEmail;
        Integer remoteTimeout;
        Integer remoteMaxWait;
        Boolean lockReadOnly;
        String lockMainline;
        String lockLockable;
        java.util.SortedMap<String, String> remotePrices;
        java.util.SortedMap<String, String> remotePeers;
        Long storeMaxSize;

        Edit(RepoConfig c) {
            format = c.format;
            chunking = c.chunking;
            compression = c.compression;
            gcGraceDays = c.gcGraceDays;
            userName = c.userName;
            userEmail = c.userEmail;
            remoteTimeout = c.remoteTimeout;
            remoteMaxWait = c.remoteMaxWait;
            lockReadOnly = c.lockReadOnly;
            lockMainline = c.lockMainline;
            lockLockable = c.lockLockable;
            remotePrices = new java.util.TreeMap<>(c.remotePrices);
            remotePeers = new java.util.TreeMap<>(c.remotePeers);
            storeMaxSize = c.storeMaxSize;
        }

        RepoConfig done() {
            return new RepoConfig(
                    format,
                    chunking,
                    compression,
                    gcGraceDays,
                    userName,
                    userEmail,
                    remoteTimeout,
                    remoteMaxWait,
                    lockReadOnly,
                    lockMainline,
                    lockLockable,
                    remotePrices,
                    remotePeers,
                    storeMaxSize);
        }
    }

    public RepoConfig withCompression(CompressionPolicy policy) {
        Edit e = edit();
        e.compression = policy;
        return e.done();
    }

    public RepoConfig withGcGraceDays(int days) {
        Edit e = edit();
        e.gcGraceDays = days;
        return e.done();
    }

    public RepoConfig withUserName(String name) {
        Edit e = edit();
        e.userName = name;
        return e.done();
    }

    public RepoConfig withUserEmail(String email) {
        Edit e = edit();
        e.userEmail = email;
        return e.done();
    }

    /** {@code remote.timeout} in seconds, null to unset. */
    public RepoConfig withRemoteTimeout(Integer seconds) {
        Edit e = edit();
        e.remoteTimeout = seconds;
        return e.done();
    }

    /** {@code remote.maxWait} in seconds, null to unset. */
    public RepoConfig withRemoteMaxWait(Integer seconds) {
        Edit e = edit();
        e.remoteMaxWait = seconds;
        return e.done();
    }

    /** The lock settings ({@code lock.readOnly}, {@code lock.mainline}, {@code lock.lockable}); null unsets one. */
    public RepoConfig withLocks(Boolean readOnly, String mainline, String lockable) {
        Edit e = edit();
        e.lockReadOnly = readOnly;
        e.lockMainline = mainline;
        e.lockLockable = lockable;
        return e.done();
    }

    /**
     * {@code remote.NAME.pricePerGiBMonth}: what a GiB stored on remote {@code name} costs a month
     * (decimal text in the user's currency), null to remove it.
     */
    public RepoConfig withRemotePrice(String name, String price) {
        Edit e = edit();
        if (price == null) e.remotePrices.remove(name);
        else e.remotePrices.put(name, price);
        return e.done();
    }

    /**
     * {@code remote.NAME.peers}: the URLs (comma-separated) of the {@code forge serve --upstream}
     * caches on other machines that fetches from remote {@code name} read packs through; null removes
     * them.
     */
    public RepoConfig withRemotePeers(String name, String urls) {
        Edit e = edit();
        if (urls == null) e.remotePeers.remove(name);
        else e.remotePeers.put(name, urls);
        return e.done();
    }

    /**
     * {@code store.maxSize}: the most bytes the local store's packs may take before commands evict what
     * a remote holds (least recently used first); null for no limit.
     */
    public RepoConfig withStoreMaxSize(Long bytes) {
        Edit e = edit();
        e.storeMaxSize = bytes;
        return e.done();
    }

    /** A config without peers. */
    public RepoConfig(
            int format,
            ChunkerParams chunking,
            CompressionPolicy compression,
            int gcGraceDays,
            String userName,
            String userEmail,
            Integer remoteTimeout,
            Integer remoteMaxWait,
            Boolean lockReadOnly,
            String lockMainline,
            String lockLockable,
            java.util.SortedMap<String, String> remotePrices) {
        this(
                format,
                chunking,
                compression,
                gcGraceDays,
                userName,
                userEmail,
                remoteTimeout,
                remoteMaxWait,
                lockReadOnly,
                lockMainline,
                lockLockable,
                remotePrices,
                java.util.Collections.emptySortedMap(),
                null);
    }
}
