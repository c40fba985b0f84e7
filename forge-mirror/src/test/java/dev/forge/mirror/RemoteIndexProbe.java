package dev.forge.mirror;

import dev.forge.core.model.ObjectId;
import dev.forge.mirror.format.PackIndex;

/** Test access to {@link RemoteIndex}. */
public final class RemoteIndexProbe {
    private final RemoteIndex index = new RemoteIndex();

    public void add(PackIndex p) {
        index.add(p);
    }

    public PackIndex.Entry locate(ObjectId id) {
        return index.locate(id).map(RemoteIndex.Location::entry).orElse(null);
    }
}
