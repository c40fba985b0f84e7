package dev.forge.core.repo;

import dev.forge.core.error.ForgeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which paths are lockable: the patterns of the root {@code .forgeattributes} that carry the
 * {@code lockable} attribute ({@code *.psd lockable}), and those of the {@code lock.lockable} setting
 * (comma-separated). Patterns follow {@code .forgeignore}'s syntax ({@link IgnoreRules}). A lockable
 * file is one whose changes {@code forge commit} and {@code forge status} check against the remote's
 * locks (docs/cli.md, "Locks").
 */
public final class Lockable {
    public static final String ATTRIBUTES = ".forgeattributes";

    private final IgnoreRules rules;
    private final boolean any;

    private Lockable(List<String> patterns) {
        this.rules = IgnoreRules.parse(patterns);
        this.any = !patterns.isEmpty();
    }

    /** The lockable patterns of {@code repo}. */
    public static Lockable of(Repository repo) {
        List<String> patterns = new ArrayList<>();
        Path f = repo.root().resolve(ATTRIBUTES);
        if (Files.isRegularFile(f)) {
            try {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    String t = line.strip();
                    if (t.isEmpty() || t.startsWith("#")) continue;
                    String[] parts = t.split("\\s+");
                    for (int i = 1; i < parts.length; i++) {
                        if (parts[i].equals("lockable")) patterns.add(parts[0]);
                    }
                }
            } catch (IOException e) {
                throw new ForgeException("cannot read " + f + ": " + e.getMessage(), e);
            }
        }
        String configured = repo.config().lockLockable();
        if (configured != null) {
            for (String p : configured.split(",")) if (!p.isBlank()) patterns.add(p.strip());
        }
        return new Lockable(patterns);
    }

    /** Whether any pattern is defined at all. */
    public boolean any() {
        return any;
    }

    /** Whether {@code path} (relative to the root, '/'-separated) is lockable. */
    public boolean matches(String path) {
        return any && rules.ignored(path, false);
    }
}
