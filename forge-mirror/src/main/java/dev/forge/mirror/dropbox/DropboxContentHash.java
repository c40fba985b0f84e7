package dev.forge.mirror.dropbox;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Dropbox's content hash (its "Content hash" reference page): SHA-256 of each 4 MiB block of the bytes,
 * the block hashes concatenated, SHA-256 of that, in hex. Dropbox returns it as {@code content_hash} with a
 * file's metadata; Forge's Dropbox and Drive version tokens end in {@code #HASH}, so that a token vouches
 * for the bytes it was read with (FileLocks' shared snapshot checks a line's bytes against it).
 */
public final class DropboxContentHash {
    static final int BLOCK = 4 << 20;

    private DropboxContentHash() {}

    public static String of(byte[] data) {
        try {
            MessageDigest overall = MessageDigest.getInstance("SHA-256");
            for (int at = 0; at < data.length; at += BLOCK) {
                MessageDigest block = MessageDigest.getInstance("SHA-256");
                block.update(data, at, Math.min(BLOCK, data.length - at));
                overall.update(block.digest());
            }
            return HexFormat.of().formatHex(overall.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
