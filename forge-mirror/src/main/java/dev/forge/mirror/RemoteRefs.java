package dev.forge.mirror;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.RefNames;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.blob.BlobNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The branches of a remote: blobs {@code refs/heads/<branch>} holding a commit id in hex and a
 * newline. They only move by conditional writes (create-if-absent, replace-if-unchanged), so of two
 * clients that move a branch from the same commit, exactly one succeeds.
 */
final class RemoteRefs {
    /** A branch as read, with the token that a conditional replace must present. */
    record RemoteRef(String branch, ObjectId commit, String token) {}

    /** A ref holds 64 hex digits and a newline; anything much longer is not read. */
    private static final long MAX_REF_BYTES = 1024;

    /**
     * The remote's branches, and those left out because Forge cannot use their names (another tool,
     * an older version or a hostile remote wrote them): {@code skipped} holds each such name as listed.
     */
    record Listing(SortedMap<String, RemoteRef> branches, List<String> skipped) {}

    private final BlobStore blobs;

    RemoteRefs(BlobStore blobs) {
        this.blobs = blobs;
    }

    static String blobName(String branch) {
        try {
            return BlobNames.check(RefNames.HEADS + branch);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("branch name '" + branch
                    + "' cannot be used on a remote: use letters, digits, '.', '_', '-' and '/'");
        }
    }

    Optional<RemoteRef> read(String branch) {
        return blobs.get(blobName(branch)).map(v -> new RemoteRef(branch, parse(branch, v.data()), v.token()));
    }

    /** Every branch of the remote that Forge can use, by name. */
    SortedMap<String, RemoteRef> all() {
        return list().branches();
    }

    /**
     * Every branch of the remote, by name, minus those whose names Forge does not accept as a branch
     * or a blob name ({@code a b}, {@code foo~1}, {@code .hidden}, non-ASCII): one such branch must not
     * make the whole remote unusable, so it is left out and named in {@link Listing#skipped}.
     */
    Listing list() {
        SortedMap<String, RemoteRef> out = new TreeMap<>();
        List<String> skipped = new ArrayList<>();
        for (BlobStore.BlobInfo b : blobs.list(RefNames.HEADS)) {
            String branch = b.name().substring(RefNames.HEADS.length());
            if (!usable(branch)) {
                skipped.add(branch);
                continue;
            }
            if (b.length() > MAX_REF_BYTES) {
                throw new IntegrityException("the remote " + blobs.describe() + " has a damaged ref " + b.name() + " ("
                        + b.length() + " bytes, not a commit id)");
            }
            read(branch).ifPresent(r -> out.put(branch, r));
        }
        return new Listing(out, List.copyOf(skipped));
    }

    /** Whether {@code branch} is a name Forge takes both as a branch and as a remote blob name. */
    static boolean usable(String branch) {
        if (!RefNames.isValidShortName(branch)) return false;
        try {
            BlobNames.check(RefNames.HEADS + branch);
            return true;
        } catch (InvalidInputException e) {
            return false;
        }
    }

    /** Creates the branch; false when it exists already. */
    boolean create(String branch, ObjectId commit) {
        return blobs.putIfAbsent(blobName(branch), encode(commit));
    }

    /** Moves the branch from the version read as {@code old}; false when someone moved it since. */
    boolean move(RemoteRef old, ObjectId commit) {
        String name = blobName(old.branch());
        RefLock lock = RefLock.acquire(blobs, name);
        try {
            return blobs.replaceIfUnchanged(name, encode(commit), old.token());
        } finally {
            lock.release();
        }
    }

    // --- tags: refs/tags/<tag>, the same format as branches; created once, moved only when forced ---

    static String tagBlob(String tag) {
        try {
            return BlobNames.check(RefNames.TAGS + tag);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(
                    "tag name '" + tag + "' cannot be used on a remote: use letters, digits, '.', '_', '-' and '/'");
        }
    }

    /** Every tag of the remote whose name Forge accepts, by name (one listing, then a read each). */
    SortedMap<String, RemoteRef> tags() {
        SortedMap<String, RemoteRef> out = new TreeMap<>();
        for (BlobStore.BlobInfo b : blobs.list(RefNames.TAGS)) {
            String tag = b.name().substring(RefNames.TAGS.length());
            if (!RefNames.isValidShortName(tag) || b.length() > MAX_REF_BYTES) continue;
            readTag(tag).ifPresent(r -> out.put(tag, r));
        }
        return out;
    }

    Optional<RemoteRef> readTag(String tag) {
        String name = tagBlob(tag);
        return blobs.get(name).map(v -> new RemoteRef(tag, parseBlob(name, v.data()), v.token()));
    }

    /** Creates the tag; false when it exists already. */
    boolean createTag(String tag, ObjectId commit) {
        return blobs.putIfAbsent(tagBlob(tag), encode(commit));
    }

    /** Moves the tag from the version read as {@code old} (push --tags --force); false when it changed since. */
    boolean moveTag(RemoteRef old, ObjectId commit) {
        String name = tagBlob(old.branch());
        RefLock lock = RefLock.acquire(blobs, name);
        try {
            return blobs.replaceIfUnchanged(name, encode(commit), old.token());
        } finally {
            lock.release();
        }
    }

    /**
     * Deletes the branch if it is still at the version read as {@code old}; false when someone moved it
     * meanwhile. Held under the branch's push lock, so no push of this version moves it between the
     * check and the delete (the delete itself cannot be conditional on every store).
     */
    boolean delete(RemoteRef old) {
        String name = blobName(old.branch());
        RefLock lock = RefLock.acquire(blobs, name);
        try {
            Optional<BlobStore.Versioned> now = blobs.get(name);
            if (now.isEmpty()) return true;
            if (!parseBlob(name, now.get().data()).equals(old.commit())) return false;
            blobs.delete(name);
            return true;
        } finally {
            lock.release();
        }
    }

    private ObjectId parseBlob(String name, byte[] data) {
        String s = new String(data, StandardCharsets.US_ASCII).strip();
        try {
            return ObjectId.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IntegrityException("the remote " + blobs.describe() + " has a damaged ref " + name + " ("
                    + data.length + " bytes, not a commit id)");
        }
    }

    private static byte[] encode(ObjectId id) {
        return (id.hex() + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    private ObjectId parse(String branch, byte[] data) {
        String s = new String(data, StandardCharsets.US_ASCII).strip();
        try {
            return ObjectId.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IntegrityException("the remote " + blobs.describe() + " has a damaged ref " + blobName(branch)
                    + " (" + data.length + " bytes, not a commit id)");
        }
    }
}
