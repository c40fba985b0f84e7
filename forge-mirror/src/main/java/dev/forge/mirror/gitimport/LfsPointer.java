package dev.forge.mirror.gitimport;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A Git LFS pointer file: what git stores in place of a large file's content (the Git LFS
 * specification, docs/spec.md in git-lfs/git-lfs): a {@code version} line, then {@code oid
 * sha256:HEX} and {@code size N}, each line ending in a newline, under 1024 bytes.
 */
record LfsPointer(String oid, long size) {
    /** Pointers are smaller than this; git-lfs itself never reads a bigger blob as one. */
    static final int MAX_SIZE = 1024;

    private static final String VERSION = "version https://git-lfs.github.com/spec/v1";
    private static final String OLD_VERSION = "version https://hawser.github.com/spec/v1";

    /** The pointer {@code blob} holds, or empty when it is ordinary content. */
    static Optional<LfsPointer> parse(byte[] blob) {
        if (blob.length >= MAX_SIZE || blob.length == 0 || blob[blob.length - 1] != '\n') return Optional.empty();
        String text = new String(blob, StandardCharsets.UTF_8);
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (!lines[0].equals(VERSION) && !lines[0].equals(OLD_VERSION)) return Optional.empty();
        String oid = null;
        long size = -1;
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            if (l.startsWith("oid sha256:")) {
                oid = l.substring("oid sha256:".length());
            } else if (l.startsWith("size ")) {
                try {
                    size = Long.parseLong(l.substring(5));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        if (oid == null || !oid.matches("[0-9a-f]{64}") || size < 0) return Optional.empty();
        return Optional.of(new LfsPointer(oid, size));
    }

    /** Where git-lfs keeps this object below a {@code lfs/objects} folder. */
    String relativePath() {
        return oid.substring(0, 2) + "/" + oid.substring(2, 4) + "/" + oid;
    }
}
