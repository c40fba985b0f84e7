package dev.forge.core.model;

import java.util.Objects;

/**
 * Where a file's bytes are: a single {@link ObjectType#CHUNK} (files of at most one chunk, including
 * the empty file) or a {@link ObjectType#LIST} of chunks. {@code size} is the file's length in bytes.
 */
public record ContentRef(ObjectType type, ObjectId id, long size) {
    public ContentRef {
        Objects.requireNonNull(id, "id");
        if (type != ObjectType.CHUNK && type != ObjectType.LIST) {
            throw new IllegalArgumentException("file content must be a CHUNK or LIST, not " + type);
        }
        if (size < 0) throw new IllegalArgumentException("negative size " + size);
    }
}
