package dev.forge.core.model;

/**
 * What a stored object is. The code is written into pack records and index values (docs/format.md);
 * never renumber.
 */
public enum ObjectType {
    /** Raw bytes of a file cut by content-defined chunking. Id = BLAKE3(bytes). */
    CHUNK(0),
    /** A file's ordered chunk list. Id = BLAKE3 derive_key("forge v1 list", encoding). */
    LIST(1),
    /** A directory. Id = BLAKE3 derive_key("forge v1 tree", encoding). */
    TREE(2),
    /** A commit. Id = BLAKE3 derive_key("forge v1 commit", encoding). */
    COMMIT(3);

    private final int code;

    ObjectType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The BLAKE3 key-derivation context that domain-separates this type's ids from chunk ids. */
    public String hashContext() {
        return switch (this) {
            case CHUNK -> null;
            case LIST -> "forge v1 list";
            case TREE -> "forge v1 tree";
            case COMMIT -> "forge v1 commit";
        };
    }

    /** {@link #values()} once (each call of it copies the array). */
    private static final ObjectType[] VALUES = values();

    public static ObjectType fromCode(int code) {
        for (ObjectType t : VALUES) {
            if (t.code == code) return t;
        }
        throw new IllegalArgumentException("unknown object type code " + code);
    }
}
