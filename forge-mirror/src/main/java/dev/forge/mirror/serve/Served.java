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

    /**
     * A pack still arriving from upstream ({@link PullThroughCache}): its bytes are sent as they land
     * in the file {@code path} names, each range only once every record in it has been verified.
     */
    record Arriving(java.util.function.Supplier<Path> path, long length, String etag, Arrival arrival)
            implements Served {
        @Override
        public boolean immutable() {
            return true;
        }
    }

    /** Waits for the bytes of an {@link Arriving} pack. */
    interface Arrival {
        /** Returns once the first {@code bytes} bytes are written and verified; throws if the download failed. */
        void await(long bytes) throws java.io.IOException;
    }
}
