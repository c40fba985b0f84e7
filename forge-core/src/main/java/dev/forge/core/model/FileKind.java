package dev.forge.core.model;

/** The kind of a tree entry. Codes are part of the tree encoding; never renumber. */
public enum FileKind {
    FILE(1),
    EXECUTABLE(2),
    SYMLINK(3),
    DIRECTORY(4);

    private final int code;

    FileKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public boolean isFile() {
        return this == FILE || this == EXECUTABLE;
    }

    /** {@link #values()} once (each call of it copies the array). */
    private static final FileKind[] VALUES = values();

    public static FileKind fromCode(int code) throws MalformedObjectException {
        for (FileKind k : VALUES) {
            if (k.code == code) return k;
        }
        throw new MalformedObjectException("unknown entry kind " + code);
    }
}
