package dev.forge.core.model;

import java.util.Objects;

/**
 * One name in a directory. Files and symlinks point at their content ({@link ObjectType#CHUNK} or
 * {@link ObjectType#LIST}); directories at a {@link ObjectType#TREE}. {@code size} is the file's
 * length, or for a directory the total length of the files below it.
 */
public record TreeEntry(String name, FileKind kind, ObjectType type, ObjectId id, long size) {
    public TreeEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        if (kind == FileKind.DIRECTORY
                ? type != ObjectType.TREE
                : (type != ObjectType.CHUNK && type != ObjectType.LIST)) {
            throw new IllegalArgumentException(kind + " entry '" + name + "' cannot point at a " + type);
        }
    }

    public ContentRef content() {
        return new ContentRef(type, id, size);
    }

    /**
     * Whether {@code name} is safe to create inside a directory: not empty, not "." or "..", no '/'
     * or NUL, and not Forge's own ".forge". Checked on every decode, so a hostile tree never reaches
     * checkout.
     */
    public static boolean isSafeName(String name) {
        return !name.isEmpty()
                && !name.equals(".")
                && !name.equals("..")
                && name.indexOf('/') < 0
                && name.indexOf('\0') < 0
                && !name.equals(".forge");
    }
}
