package dev.forge.core.error;

import dev.forge.core.model.ObjectId;

/**
 * A push or pull refused because the two histories diverged: the ref being moved does not lead to
 * the commit it would move to. Names both commits and says what to do. Exit code 8.
 */
public final class NonFastForwardException extends ForgeException {
    private final ObjectId ours;
    private final ObjectId theirs;

    public NonFastForwardException(String message, ObjectId ours, ObjectId theirs) {
        super(message);
        this.ours = ours;
        this.theirs = theirs;
    }

    /** The local commit (null when there is none). */
    public ObjectId ours() {
        return ours;
    }

    /** The remote's commit (null when there is none). */
    public ObjectId theirs() {
        return theirs;
    }
}
