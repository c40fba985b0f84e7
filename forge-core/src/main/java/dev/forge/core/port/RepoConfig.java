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
        java.util.SortedMap<String, String> remotePeers) {
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
                java.util.Collections.emptySortedMap());
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
                java.util.Collections.emptySortedMap());
    }

    public RepoConfig {
        remotePrices = java.util.Collections.unmodifiableSortedMap(
                new java.util.TreeMap<>(remotePrices == null ? java.util.Map.of() : remotePrices));
        remotePeers = java.util.Collections.unmodifiableSortedMap(
                new java.util.TreeMap<>(remotePeers == null ? java.util.Map.of() : remotePeers));
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

    public RepoConfig withCompression(CompressionPolicy policy) {
        return new RepoConfig(
                format,
                chunking,
                policy,
                gcGraceDays,
                userName,
                userEmail,
                remoteTimeout,
                remoteMaxWait,
                lockReadOnly,
                lockMainline,
                lockLockable,
                remotePrices,
                remotePeers);
    }

    public RepoConfig withGcGraceDays(int days) {
        return new RepoConfig(
                format,
                chunking,
                compression,
                days,
                userName,
                userEmail,
                remoteTimeout,
                remoteMaxWait,
                lockReadOnly,
                lockMainline,
                lockLockable,
                remotePrices,
                remotePeers);
    }

    public RepoConfig withUserName(String name) {
        return new RepoConfig(
                format,
                chunking,
                compression,
                gcGraceDays,
                name,
                userEmail,
                remoteTimeout,
                remoteMaxWait,
                lockReadOnly,
                lockMainline,
                lockLockable,
                remotePrices,
                remotePeers);
    }

    public RepoConfig withUserEmail(String email) {
        return new RepoConfig(
                format,
                chunking,
                compression,
                gcGraceDays,
                userName,
                email,
                remoteTimeout,
                remoteMaxWait,
                lockReadOnly,
                lockMainline,
                lockLockable,
                remotePrices,
                remotePeers);
    }

    /** {@code seconds} null: not set (the default applies). */
    public RepoConfig withRemoteTimeout(Integer seconds) {
        return new RepoConfig(
                format,
                chunking,
                compression,
                gcGraceDays,
                userName,
                userEmail,
                seconds,
                remoteMaxWait,
                lockReadOnly,
                lockMainline,
                lockLockable,
                remotePrices,
                remotePeers);
    }

    /** {@code seconds} null: not set (the default applies). */
    public RepoConfig withRemoteMaxWait(Integer seconds) {
        return new RepoConfig(
                format,
                chunking,
                compression,
                gcGraceDays,
                userName,
                userEmail,
                remoteTimeout,
                seconds,
                lockReadOnly,
                lockMainline,
                lockLockable,
                remotePrices,
                remotePeers);
    }

    public RepoConfig withLocks(Boolean readOnly, String mainline, String lockable) {
        return new RepoConfig(
                format,
                chunking,
                compression,
                gcGraceDays,
                userName,
                userEmail,
                remoteTimeout,
                remoteMaxWait,
                readOnly,
                mainline,
                lockable,
                remotePrices,
                remotePeers);
    }

    /**
     * {@code remote.NAME.pricePerGiBMonth}: what a GiB stored on remote {@code name} costs a month
     * (decimal text in the user's currency), null to remove it.
     */
    public RepoConfig withRemotePrice(String name, String price) {
        java.util.SortedMap<String, String> p = new java.util.TreeMap<>(remotePrices);
        if (price == null) p.remove(name);
        else p.put(name, price);
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
                p,
                remotePeers);
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
                java.util.Collections.emptySortedMap());
    }

    /**
     * {@code remote.NAME.peers}: the URLs (comma-separated) of the {@code forge serve --upstream}
     * caches on other machines that fetches from remote {@code name} read packs through; null removes
     * them.
     */
    public RepoConfig withRemotePeers(String name, String urls) {
        java.util.SortedMap<String, String> p = new java.util.TreeMap<>(remotePeers);
        if (urls == null) p.remove(name);
        else p.put(name, urls);
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
                p);
    }
}
