package dev.forge.core.port.mem;

import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.port.ObjectStoreContract;

class MemObjectStoreTest extends ObjectStoreContract {
    @Override
    protected LocalStoreFactory newFactory() {
        return new MemLocalStoreFactory();
    }
}
