package dev.forge.storage;

import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.port.ObjectStoreContract;

/** The port contract (written in forge-core, passed by the in-memory fixture too) on RocksDB and packs. */
class RocksObjectStoreTest extends ObjectStoreContract {
    @Override
    protected LocalStoreFactory newFactory() {
        return new RocksLocalStoreFactory();
    }
}
