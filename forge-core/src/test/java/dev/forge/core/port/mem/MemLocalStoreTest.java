package dev.forge.core.port.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.forge.core.error.RepositoryBusyException;
import dev.forge.core.model.Head;
import dev.forge.core.port.LocalStore;
import dev.forge.core.port.LocalStoreContract;
import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.port.MetadataStore;
import org.junit.jupiter.api.Test;

/** The port contract on the in-memory store, and what only the fixture promises. */
class MemLocalStoreTest extends LocalStoreContract {
    @Override
    protected LocalStoreFactory newFactory() {
        return new MemLocalStoreFactory();
    }

    /** The lock is held while open; a second opening fails at once instead of waiting as RocksDB's does. */
    @Test
    void aSecondOpeningWhileOpenIsBusy() {
        assertThrows(RepositoryBusyException.class, () -> factory.open(dir));
        store.close();
        store = null;
        try (LocalStore again = factory.open(dir)) {
            assertEquals(new Head.OnBranch("main"), again.metadata().head());
        }
        store = factory.open(dir);
    }

    @Test
    void anUpdateCommitsOnce() {
        MetadataStore.Update u = store.metadata().newUpdate().setHead(new Head.OnBranch("x"));
        u.commit();
        assertThrows(IllegalStateException.class, u::commit);
        assertThrows(IllegalStateException.class, () -> u.setHead(new Head.OnBranch("y")));
        assertEquals(new Head.OnBranch("x"), store.metadata().head());
    }
}
