package dev.forge.storage;

import dev.forge.core.port.LocalStoreContract;
import dev.forge.core.port.LocalStoreFactory;

/** The port contract (written in forge-core, passed by the in-memory fixture too) on RocksDB and packs. */
class RocksLocalStoreTest extends LocalStoreContract {
    @Override
    protected LocalStoreFactory newFactory() {
        return new RocksLocalStoreFactory();
    }
}
