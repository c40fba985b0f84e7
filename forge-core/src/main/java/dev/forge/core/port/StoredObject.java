package dev.forge.core.port;

import dev.forge.core.codec.Codec;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;

/** What the index knows of one stored object: its type, how it is encoded and where it lies. */
public record StoredObject(
        ObjectId id, ObjectType type, Codec codec, int rawLength, int storedLength, String pack, long offset) {}
