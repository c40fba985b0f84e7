package dev.forge.core.port;

import dev.forge.core.chunk.ChunkerParams;
import dev.forge.core.codec.CompressionPolicy;

/**
 * A repository's settings. The chunking parameters are fixed at init (changing them would change
 * every id); the compression policy may change at any time (ids do not depend on it). {@code userName}
 * and {@code userEmail} are the commit author's, null when not set (docs/cli.md, "forge config").
 */
public record RepoConfig(
        int format,
        ChunkerParams chunking,
        CompressionPolicy compression,
        int gcGraceDays,
        String userName,
        String userEmail) {
    public static final int DEFAULT_GC_GRACE_DAYS = 14;

    /** A config with the default gc grace period. */
    public RepoConfig(int format, ChunkerParams chunking, CompressionPolicy compression) {
        this(format, chunking, compression, DEFAULT_GC_GRACE_DAYS);
    }

    /** A config without a user. */
    public RepoConfig(int format, ChunkerParams chunking, CompressionPolicy compression, int gcGraceDays) {
        this(format, chunking, compression, gcGraceDays, null, null);
    }

    public RepoConfig {
        if (gcGraceDays < 0) throw new IllegalArgumentException("gc grace period must not be negative: " + gcGraceDays);
    }

    /** The repository format this code writes and the newest it can read. */
    public static final int FORMAT = 1;

    public static RepoConfig defaults() {
        return new RepoConfig(FORMAT, ChunkerParams.DEFAULT, CompressionPolicy.AUTO);
    }

    public RepoConfig withCompression(CompressionPolicy policy) {
        return new RepoConfig(format, chunking, policy, gcGraceDays, userName, userEmail);
    }

    public RepoConfig withGcGraceDays(int days) {
        return new RepoConfig(format, chunking, compression, days, userName, userEmail);
    }

    public RepoConfig withUserName(String name) {
        return new RepoConfig(format, chunking, compression, gcGraceDays, name, userEmail);
    }

    public RepoConfig withUserEmail(String email) {
        return new RepoConfig(format, chunking, compression, gcGraceDays, userName, email);
    }
}
