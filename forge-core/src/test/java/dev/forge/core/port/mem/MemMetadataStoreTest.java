package dev.forge.core.port.mem;

import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.port.MetadataStoreContract;

class MemMetadataStoreTest extends MetadataStoreContract {
    @Override
    protected LocalStoreFactory newFactory() {
        return new MemLocalStoreFactory();
    }
}
