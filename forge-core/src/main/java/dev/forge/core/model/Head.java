package dev.forge.core.model;

import java.util.Optional;

/** What HEAD names: a branch (which may not exist yet, before the first commit) or a detached commit. */
public sealed interface Head {
    record OnBranch(String branch) implements Head {}

    record Detached(ObjectId commit) implements Head {}

    /** The stored form: {@code ref: refs/heads/BRANCH}, or the 64-hex commit id when detached (docs/format.md). */
    default String encode() {
        return switch (this) {
            case OnBranch b -> "ref: " + RefNames.branch(b.branch());
            case Detached d -> d.commit().hex();
        };
    }

    /** Parses {@link #encode()}'s form; IllegalArgumentException when it is neither. */
    static Head parse(String s) {
        String prefix = "ref: " + RefNames.HEADS;
        if (s.startsWith(prefix)) return new OnBranch(s.substring(prefix.length()));
        return new Detached(ObjectId.parse(s));
    }

    default Optional<String> branchName() {
        return this instanceof OnBranch b ? Optional.of(b.branch()) : Optional.empty();
    }
}
