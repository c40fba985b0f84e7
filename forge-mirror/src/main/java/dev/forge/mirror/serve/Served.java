package dev.forge.mirror.serve;

import java.nio.file.Path;

/** What {@code forge serve} sends for one name: bytes held in memory, or a file on disk. */
public sealed interface Served {
    long length();

    /** The entity tag: a quoted string, stable for the same content. */
    String etag();

    /** Whether the content under this name can never change (packs and pack indexes). */
    boolean immutable();

    /** A small, changing blob (config, listings, refs), held in memory. */
    record Bytes(byte[] data, String etag) implements Served {
        @Override
        public long length() {
            return data.length;
        }

        @Override
        public boolean immutable() {
            return false;
        }
    }

    /** An immutable blob in a file (a cached or local pack); served with zero copies where it can be. */
    record File(Path path, long length, String etag) implements Served {
        @Override
        public boolean immutable() {
            return true;
        }
    }
}
