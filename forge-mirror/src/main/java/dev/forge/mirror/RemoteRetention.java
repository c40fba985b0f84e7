package dev.forge.mirror;

import dev.forge.core.model.ObjectId;
import dev.forge.core.port.BlobStore;
import dev.forge.core.repo.Repository;
import dev.forge.core.retain.PurgeRecord;
import dev.forge.core.retain.RetentionPolicy;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The retention policy and the purge record on a remote (docs/format.md, "Retention"): the blobs
 * {@code retention} and {@code purged}, next to {@code config}. Both are updated read, merge,
 * replace-if-unchanged (create-if-absent the first time), again when another client won, so
 * concurrent writers never lose each other's rules or entries. Writing the policy adds the writer
 * feature {@code retention} (a forge that does not apply the policy must not gc or push); writing the
 * purge record adds {@code purge} as a reader and writer feature, before any content goes (a forge that
 * does not know purged contents would take them for a damaged remote).
 */
public final class RemoteRetention {
    public static final String POLICY = RetentionPolicy.FILE;
    public static final String PURGED = PurgeRecord.FILE;
    public static final String RETENTION_FEATURE = "retention";
    public static final String PURGE_FEATURE = "purge";

    private RemoteRetention() {}

    public static RetentionPolicy policy(Remote remote) {
        return remote.blobs()
                .get(POLICY)
                .map(v -> RetentionPolicy.parse(text(v), remote.describe() + "/" + POLICY))
                .orElseGet(RetentionPolicy::empty);
    }

    public static PurgeRecord purged(Remote remote) {
        return remote.blobs()
                .get(PURGED)
                .map(v -> PurgeRecord.parse(text(v), remote.describe() + "/" + PURGED))
                .orElseGet(PurgeRecord::empty);
    }

    /**
     * Merges the local policy and the remote's, writes the result to both where it changed, and returns
     * it (push, and every remote gc before it marks).
     */
    public static RetentionPolicy sync(Repository repo, Remote remote) {
        RetentionPolicy local = RetentionPolicy.load(repo.forgeDir());
        RetentionPolicy[] merged = {local};
        boolean remoteHas = remote.blobs().get(POLICY).isPresent();
        if (!local.all().isEmpty() || remoteHas) {
            if (!local.all().isEmpty()) remote.addWriterFeature(RETENTION_FEATURE);
            update(remote, POLICY, text -> {
                RetentionPolicy there = text == null
                        ? RetentionPolicy.empty()
                        : RetentionPolicy.parse(text, remote.describe() + "/" + POLICY);
                merged[0] = there.merge(local);
                return merged[0].all().isEmpty() ? null : merged[0].encode();
            });
        }
        if (!merged[0].equals(local)) merged[0].save(repo.forgeDir());
        return merged[0];
    }

    /** Brings the remote's policy and purge record into this repository (fetch, clone): union, never removal. */
    public static void adopt(Repository repo, Remote remote) {
        RetentionPolicy local = RetentionPolicy.load(repo.forgeDir());
        RetentionPolicy policy = local.merge(policy(remote));
        if (!policy.equals(local)) policy.save(repo.forgeDir());
        PurgeRecord mine = PurgeRecord.load(repo.forgeDir());
        PurgeRecord both = mine.merge(purged(remote));
        if (!both.equals(mine)) both.save(repo.forgeDir());
    }

    /** Adds {@code added} to the remote's purge record and drops {@code revived}, after adding the feature. */
    static void record(Remote remote, Collection<PurgeRecord.Entry> added, Collection<ObjectId> revived) {
        if (added.isEmpty() && revived.isEmpty()) return;
        remote.addReaderFeature(PURGE_FEATURE);
        update(remote, PURGED, text -> {
            PurgeRecord there =
                    text == null ? PurgeRecord.empty() : PurgeRecord.parse(text, remote.describe() + "/" + PURGED);
            return there.without(revived).with(added).encode();
        });
    }

    /** Read, change, replace-if-unchanged until it holds; {@code change} returns null to leave it as it is. */
    private static void update(Remote remote, String name, UnaryOperator<String> change) {
        BlobStore blobs = remote.blobs();
        while (true) {
            Optional<BlobStore.Versioned> v = blobs.get(name);
            String before = v.map(RemoteRetention::text).orElse(null);
            String after = change.apply(before);
            if (after == null || after.equals(before)) return;
            byte[] data = after.getBytes(StandardCharsets.UTF_8);
            boolean done = v.isEmpty()
                    ? blobs.putIfAbsent(name, data)
                    : blobs.replaceIfUnchanged(name, data, v.get().token());
            if (done) return;
        }
    }

    private static String text(BlobStore.Versioned v) {
        return new String(v.data(), StandardCharsets.UTF_8);
    }
}
