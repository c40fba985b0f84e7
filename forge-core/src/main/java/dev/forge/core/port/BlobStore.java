package dev.forge.core.port;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A remote: a flat namespace of named, immutable-or-replaced byte strings ("blobs") in a directory,
 * a NAS mount, an S3 bucket or an R2 bucket. All of Forge's remote logic (packs, indexes, refs) is in
 * the client; a blob store only stores bytes. Names are {@code /}-separated relative paths of ASCII
 * letters, digits and {@code . _ -} ({@code packs/3fa9...e1.pack}, {@code refs/heads/main}).
 *
 * <p>Every implementation guarantees:
 *
 * <ul>
 *   <li><b>Atomic puts.</b> A reader sees either no blob, the previous blob, or the whole new blob;
 *       never a torn or partial one, even if the writer dies mid-put.
 *   <li><b>Durability.</b> When a put returns, the blob survives a crash or power loss of the store
 *       (fsync on a file system; the service's acknowledgement on S3/R2).
 *   <li><b>Read-after-write.</b> Once a put, conditional put or delete has returned, every later
 *       get, stat and list from any client sees its effect (S3 and R2 are strongly consistent).
 *   <li><b>Conditional writes are linearizable.</b> Of several concurrent {@link #putIfAbsent} calls
 *       on one name exactly one returns true; of several {@link #replaceIfUnchanged} calls made with
 *       the same token at most one returns true. These make refs and locks safe without a server.
 *   <li><b>Typed failures.</b> A missing blob is an empty result (or {@link
 *       dev.forge.core.error.NotFoundException} for a ranged read); anything else that goes wrong is a
 *       {@link dev.forge.core.error.RemoteUnavailableException} whose {@code retryable()} says whether
 *       trying again can help. No implementation retries by itself: retrying is a decorator.
 *   <li><b>Thread safety.</b> Every method may be called from many threads at once.
 * </ul>
 *
 * <p>What a blob store does not promise: that a listing is in any particular order, or that a blob
 * put by a client that then failed is absent (a failed put may or may not have happened; callers
 * make every put idempotent).
 */
public interface BlobStore extends AutoCloseable {
    /** A blob's name, length and version token. */
    record BlobInfo(String name, long length, String token) {}

    /** A blob's bytes with the version token that {@link #replaceIfUnchanged} compares. */
    record Versioned(byte[] data, String token) {}

    /** Stores {@code data} under {@code name}, replacing any blob of that name atomically. */
    void put(String name, byte[] data);

    /** Stores the contents of {@code file} under {@code name}; large files go up in parts where the store has them. */
    void put(String name, Path file);

    /**
     * Like {@link #put(String, Path)}, but continues an upload of this same file that an earlier,
     * interrupted call left unfinished on the store, where the store keeps such uploads (S3 multipart
     * uploads: the parts already there whose length and checksum match the file are not sent again).
     * Returns the bytes that were not sent again. Stores without resumable uploads just put.
     */
    default long putResuming(String name, Path file) {
        put(name, file);
        return 0;
    }

    /**
     * A blob written straight into the store under a temporary name that no read or listing sees, then
     * published whole under a name chosen when it is complete: for a blob named by its content (a pack
     * is named by its index, known only at its end), so that it is written once, not built in a local
     * file and copied. {@link #publish} keeps the guarantees of a put (atomic, durable); a draft that is
     * closed unpublished leaves nothing in the store. One thread writes it; another may publish it.
     */
    interface Draft extends AutoCloseable {
        /** Where the blob's bytes go, in order. */
        java.nio.channels.WritableByteChannel channel();

        /**
         * Makes what was written durable and publishes it under {@code name} (in the folder the draft
         * was started in), replacing any blob of that name atomically; returns its length. The draft is
         * done afterwards, published or, when this failed, dropped.
         */
        long publish(String name);

        /** Drops the draft unless it was published; idempotent. */
        @Override
        void close();
    }

    /**
     * Starts a {@link Draft} of a blob to be published under {@code folder} (e.g. {@code packs}) where
     * the store can write one in place: a folder writes a temporary file beside the final name and
     * publishes it by rename. Empty where it cannot (the default): object stores take a local file
     * with {@link #putResuming}, whose staged copy lets an interrupted upload continue.
     */
    default Optional<Draft> draft(String folder) {
        return Optional.empty();
    }

    /**
     * Makes {@code partial} hold the {@code length} bytes of the blob from {@code offset}, and {@code
     * dst[0, length)} the same bytes: what the file holds already (an interrupted earlier read's first
     * bytes) is kept and read back, and only the rest is read from the store, into {@code dst} and
     * appended to the file. A store that streams appends bytes as they arrive, so a read cut off half
     * way keeps what came; the bytes that arrive now are not read back from the file. Returns the
     * bytes read from the store now. The caller verifies the result (the file is not fsynced: a crash
     * may leave garbage, which the verification catches).
     */
    default long readInto(String name, long offset, int length, Path partial, byte[] dst) {
        try {
            int have = readPartial(partial, length, dst);
            if (have >= length) return 0;
            byte[] rest = get(name, offset + have, length - have);
            System.arraycopy(rest, 0, dst, have, rest.length);
            java.nio.file.Files.write(
                    partial,
                    rest,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.APPEND);
            return rest.length;
        } catch (java.io.IOException e) {
            throw new dev.forge.core.error.ForgeException("cannot write " + partial + ": " + e.getMessage(), e);
        }
    }

    /**
     * For {@link #readInto}: reads what {@code partial} holds already (none when it is missing), at
     * most {@code length} bytes, into the start of {@code dst}; returns how many.
     */
    static int readPartial(Path partial, int length, byte[] dst) throws java.io.IOException {
        try (java.nio.channels.FileChannel ch =
                java.nio.channels.FileChannel.open(partial, java.nio.file.StandardOpenOption.READ)) {
            int have = (int) Math.min(ch.size(), length);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(dst, 0, have);
            while (b.hasRemaining()) {
                if (ch.read(b, b.position()) < 0) throw new java.io.IOException(partial + " shrank while read");
            }
            return have;
        } catch (java.nio.file.NoSuchFileException e) {
            return 0;
        }
    }

    /**
     * As {@link #get(String, long, int)}, into {@code dst[0, length)}: a buffer the caller reuses, so
     * that reading a store's packs does not make a new array of up to a few MiB per range.
     */
    default void getInto(String name, long offset, int length, byte[] dst) {
        System.arraycopy(get(name, offset, length), 0, dst, 0, length);
    }

    /**
     * Whether a read costs no more than reading a local file (a folder remote on a local disk or a
     * mount): then reads are not staged in partial files to resume after an interruption, since
     * reading the blob again costs what reading the partial file back would.
     */
    default boolean local() {
        return false;
    }

    /** The whole blob with its version token, or empty when there is none. */
    Optional<Versioned> get(String name);

    /**
     * Exactly {@code length} bytes of the blob starting at {@code offset}. A missing blob is a {@link
     * dev.forge.core.error.NotFoundException}; a range past its end is an {@link
     * dev.forge.core.error.IntegrityException}.
     */
    byte[] get(String name, long offset, int length);

    /** The blob's length and token, or empty when there is none. */
    Optional<BlobInfo> stat(String name);

    /** Every blob whose name starts with {@code prefix}, in no particular order. */
    List<BlobInfo> list(String prefix);

    /** Removes the blob; removing a missing blob is not an error. */
    void delete(String name);

    /**
     * Stores {@code data} only if no blob named {@code name} exists. Returns whether this call created
     * it; false means some blob (maybe this very one, from an earlier attempt) was already there.
     */
    boolean putIfAbsent(String name, byte[] data);

    /**
     * Replaces the blob only if it is still the version that {@code expectedToken} (from {@link #get}
     * or {@link #stat}) names: a compare-and-swap. Returns false, changing nothing, when it has been
     * replaced or deleted since.
     */
    boolean replaceIfUnchanged(String name, byte[] data, String expectedToken);

    /** Where this store is, for messages: a URL or path without credentials. */
    String describe();

    @Override
    void close();
}
