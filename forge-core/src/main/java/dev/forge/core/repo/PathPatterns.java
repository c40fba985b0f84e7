package dev.forge.core.repo;

import java.util.List;

/**
 * A list of path patterns in {@code .forgeignore}'s syntax ({@link IgnoreRules}: gitignore rules, the
 * last matching pattern wins, {@code !} negates), for settings that select paths, such as a mirror's
 * {@code --only} globs.
 */
public final class PathPatterns {
    private final IgnoreRules rules;
    private final List<String> patterns;

    private PathPatterns(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        this.rules = IgnoreRules.parse(this.patterns);
    }

    public static PathPatterns of(List<String> patterns) {
        return new PathPatterns(patterns);
    }

    public List<String> patterns() {
        return patterns;
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    /** Whether {@code path} (relative to the root, '/'-separated) is selected. */
    public boolean matches(String path) {
        return !patterns.isEmpty() && rules.ignored(path, false);
    }
}
