package dev.forge.mirror;

import dev.forge.core.error.InvalidInputException;
import dev.forge.core.model.RefNames;

/**
 * Which local branch a push sends and the remote branch it moves: written {@code BRANCH} (the same
 * name on both sides) or {@code LOCAL:REMOTE}. Both names are valid branch names (no {@code ..}, no
 * spaces, no revision syntax), so a remote branch name can never reach outside the remote's refs.
 */
public record Refspec(String local, String remote) {
    public Refspec {
        check(local);
        check(remote);
    }

    /** {@code BRANCH} or {@code LOCAL:REMOTE}; anything else is refused (exit 2) with the text given. */
    public static Refspec parse(String spec) {
        int colon = spec.indexOf(':');
        if (colon < 0) return new Refspec(spec, spec);
        String local = spec.substring(0, colon);
        String remote = spec.substring(colon + 1);
        if (local.isEmpty() || remote.isEmpty() || remote.indexOf(':') >= 0)
            throw new InvalidInputException("expected BRANCH or LOCAL:REMOTE, got '" + spec + "'");
        return new Refspec(local, remote);
    }

    /** The same branch name on both sides. */
    public static Refspec of(String branch) {
        return new Refspec(branch, branch);
    }

    private static void check(String name) {
        if (name == null || !RefNames.isValidShortName(name))
            throw new InvalidInputException("'" + name + "' is not a valid branch name");
    }
}
