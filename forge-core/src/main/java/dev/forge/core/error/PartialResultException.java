package dev.forge.core.error;

import java.util.List;

/**
 * The command did what it could, but some paths were skipped, purged or unavailable; the message
 * lists them (the first {@value #LISTED}, then how many more) and {@link #paths()} holds them all.
 * Whatever was done is done and durable; running the command again once the paths are available
 * does the rest. Exit code 12.
 */
public final class PartialResultException extends ForgeException {
    static final int LISTED = 10;

    private final List<String> paths;

    /** {@code what} says what happened to the paths, e.g. "not fetched: the remote has purged them". */
    public PartialResultException(String what, List<String> paths) {
        super(message(what, paths));
        this.paths = List.copyOf(paths);
    }

    public List<String> paths() {
        return paths;
    }

    private static String message(String what, List<String> paths) {
        StringBuilder sb = new StringBuilder(what).append(": ");
        sb.append(String.join(", ", paths.subList(0, Math.min(LISTED, paths.size()))));
        if (paths.size() > LISTED)
            sb.append(" and ").append(paths.size() - LISTED).append(" more");
        return sb.toString();
    }
}
