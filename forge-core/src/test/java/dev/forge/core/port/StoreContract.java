package dev.forge.core.port;

import dev.forge.core.codec.Codec;
import dev.forge.core.hash.Blake3;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the store contracts share: a factory from the subclass, a repository created in a temporary
 * work tree before each test and closed after it. The contracts are written against the ports only,
 * so that the in-memory fixture and the RocksDB store must pass the same tests.
 */
public abstract class StoreContract {
    @TempDir
    protected Path dir;

    protected LocalStoreFactory factory;

    /** The open store of the test; a test that reopens it assigns the new one here. */
    protected LocalStore store;

    /** A new, empty factory (for the in-memory store: a new "disk"). */
    protected abstract LocalStoreFactory newFactory();

    @BeforeEach
    void createStore() {
        factory = newFactory();
        store = factory.create(dir, RepoConfig.defaults());
    }

    @AfterEach
    void closeStore() {
        if (store != null) store.close();
    }

    /** Closes the store and opens it again through the same factory. */
    protected void reopen() {
        store.close();
        store = null;
        store = factory.open(dir);
    }

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Stores {@code raw} as a RAW chunk under its BLAKE3 id. */
    static ObjectId putChunk(ObjectWriter w, byte[] raw) {
        ObjectId id = Blake3.newHasher().hash(raw, 0, raw.length);
        w.put(id, ObjectType.CHUNK, Codec.RAW, raw.length, raw, 0, raw.length);
        return id;
    }
}
