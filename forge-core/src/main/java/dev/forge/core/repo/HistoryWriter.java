package dev.forge.core.repo;

import dev.forge.core.model.Commit;
import dev.forge.core.model.ContentRef;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.StageEntry;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Writes history that comes from outside the work tree (an importer reading another version control
 * system): file contents through the same ingest pipeline as {@code forge add} (cut, hash, compress,
 * one pack writer per core), then trees and commits with the times and authors the source recorded.
 * Nothing here moves a ref: objects are durable once {@link #flush} (or {@link #close}) returns, and
 * the caller then publishes them through a {@link Transaction}.
 *
 * <p>Not thread-safe; {@link #storeContents} itself spreads the work over cores.
 */
public final class HistoryWriter implements AutoCloseable {
    /** Bytes to store, read once: a git blob, a Git LFS object, ... */
    public interface ContentSource {
        /** The length the source says it has; a read of another length fails the import. */
        long size();

        /** A channel over the bytes, from the start; called once, on a worker thread. */
        ReadableByteChannel open() throws IOException;

        /**
         * Called after every byte was read: throws when what was read is not what the source promised (an
         * LFS object whose SHA-256 differs from its pointer's, say).
         */
        default void verify() throws IOException {}

        /** Names the source in an error message. */
        String describe();
    }

    private final Repository repo;
    private final ObjectSink sink;

    public HistoryWriter(Repository repo) {
        this.repo = repo;
        this.sink = new ObjectSink(
                repo.store().objects(),
                repo.config().compression(),
                repo.config().chunking().maxSize());
    }

    /**
     * Stores every source's content, in parallel (largest first), and returns their content refs in input
     * order. Everything stored is durable when this returns.
     */
    public List<ContentRef> storeContents(List<? extends ContentSource> sources, ProgressListener progress) {
        if (sources.isEmpty()) return List.of();
        return new Ingester(repo.store().objects(), repo.config(), true, progress).runSources(sources);
    }

    /**
     * Writes the trees of {@code entries} and a commit over them with the given author, time and message;
     * returns the commit id. Durable after {@link #flush}.
     */
    public ObjectId writeCommit(
            Collection<StageEntry> entries,
            List<ObjectId> parents,
            String author,
            OffsetDateTime time,
            String message) {
        ObjectId tree = Trees.write(new ArrayList<>(entries), sink);
        return sink.putObject(ObjectType.COMMIT, new Commit(tree, parents, author, time.withNano(0), message).encode());
    }

    /** Whether the store holds {@code id} intact (an id remembered from an earlier import, say). */
    public boolean contains(ObjectId id) {
        return repo.store().objects().containsIntact(id);
    }

    /** Makes every tree and commit written so far durable. */
    public void flush() {
        sink.flush();
    }

    @Override
    public void close() {
        sink.close();
    }
}
