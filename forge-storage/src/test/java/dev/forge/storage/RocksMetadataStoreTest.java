package dev.forge.storage;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.forge.core.model.ContentRef;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.port.MetadataStoreContract;
import dev.forge.core.port.StageEntry;
import org.junit.jupiter.api.Test;

/** The port contract (written in forge-core, passed by the in-memory fixture too) on RocksDB and packs. */
class RocksMetadataStoreTest extends MetadataStoreContract {
    @Override
    protected LocalStoreFactory newFactory() {
        return new RocksLocalStoreFactory();
    }

    /** The contract's stage-view test runs on the stage file's bytes here, not on decoded entries. */
    @Test
    void theStageViewReadsTheStageFile() {
        ObjectId id = ObjectId.of(new byte[32]);
        store.metadata()
                .newUpdate()
                .putStage(new StageEntry("a", FileKind.FILE, new ContentRef(ObjectType.CHUNK, id, 1)))
                .commit();
        assertInstanceOf(StageFileView.class, store.metadata().stageView());
    }
}
