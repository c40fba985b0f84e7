package dev.forge.core.retain;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.repo.PathPatterns;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The retention policy ({@code forge retain}): which paths keep only some of their versions. Kept in
 * {@code .forge/retention} and on each remote as {@code retention}, in the same text format
 * (docs/format.md, "Retention"): {@code forge-retention 1}, then one line per rule,
 *
 * <pre>
 * keep-last N SET_MS BRANCH GLOB
 * keep-within SECONDS SET_MS BRANCH GLOB
 * removed 0 SET_MS BRANCH GLOB
 * </pre>
 *
 * where BRANCH is {@code *} for every branch and GLOB (the rest of the line) is a gitignore-style
 * pattern. A rule is identified by (GLOB, BRANCH); two copies of a policy merge rule by rule, the later
 * {@code SET_MS} winning, so a removal ({@code removed}, a tombstone) is never undone by an older copy.
 * Forge's own format: a handful of lines that must merge without a server, no library fits better.
 */
public final class RetentionPolicy {
    public static final String HEADER = "forge-retention 1";
    public static final String FILE = "retention";

    public enum Kind {
        KEEP_LAST("keep-last"),
        KEEP_WITHIN("keep-within"),
        REMOVED("removed");

        final String word;

        Kind(String word) {
            this.word = word;
        }
    }

    /**
     * One rule. {@code branch} null: every branch. {@code value}: N for keep-last, seconds for
     * keep-within, 0 for a removal.
     */
    public record Rule(String glob, String branch, Kind kind, long value, long setAt) {
        String key() {
            return glob + "\0" + (branch == null ? "*" : branch);
        }

        public boolean active() {
            return kind != Kind.REMOVED;
        }

        /** How a message names the rule: {@code 'renders/**' (keep last 1 on every branch)}. */
        public String describe() {
            String what = switch (kind) {
                case KEEP_LAST -> "keep last " + value;
                case KEEP_WITHIN -> "keep within " + formatDuration(value);
                case REMOVED -> "removed";
            };
            return "'" + glob + "' (" + what + (branch == null ? "" : " on branch " + branch) + ")";
        }

        String line() {
            return kind.word + " " + value + " " + setAt + " " + (branch == null ? "*" : branch) + " " + glob;
        }

        public Duration within() {
            return Duration.ofSeconds(value);
        }

        PathPatterns patterns() {
            return PathPatterns.of(List.of(glob));
        }
    }

    private final Map<String, Rule> rules;

    private RetentionPolicy(Map<String, Rule> rules) {
        this.rules = rules;
    }

    public static RetentionPolicy empty() {
        return new RetentionPolicy(new TreeMap<>());
    }

    /** Every rule, tombstones included, in a stable order. */
    public List<Rule> all() {
        return List.copyOf(rules.values());
    }

    /** The rules in force (no tombstones). */
    public List<Rule> active() {
        return rules.values().stream().filter(Rule::active).toList();
    }

    public boolean isEmpty() {
        return active().isEmpty();
    }

    public Optional<Rule> find(String glob, String branch) {
        Rule r = rules.get(new Rule(glob, branch, Kind.REMOVED, 0, 0).key());
        return Optional.ofNullable(r);
    }

    /** This policy with {@code rule} set (replacing the rule of the same glob and branch). */
    public RetentionPolicy with(Rule rule) {
        validate(rule);
        Map<String, Rule> next = new TreeMap<>(rules);
        next.put(rule.key(), rule);
        return new RetentionPolicy(next);
    }

    /** Both policies merged rule by rule, the later setting winning (ties: the greater line). */
    public RetentionPolicy merge(RetentionPolicy other) {
        Map<String, Rule> next = new TreeMap<>(rules);
        for (Rule r : other.rules.values()) {
            next.merge(r.key(), r, (a, b) -> newer(a, b) ? a : b);
        }
        return new RetentionPolicy(next);
    }

    private static boolean newer(Rule a, Rule b) {
        if (a.setAt() != b.setAt()) return a.setAt() > b.setAt();
        return a.line().compareTo(b.line()) >= 0;
    }

    public String encode() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Rule r : rules.values()) sb.append(r.line()).append('\n');
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetentionPolicy p && p.encode().equals(encode());
    }

    @Override
    public int hashCode() {
        return encode().hashCode();
    }

    /** Parses a policy; {@code where} names it in errors. A newer version or an unknown rule is refused. */
    public static RetentionPolicy parse(String text, String where) {
        String[] lines = text.split("\n", -1);
        if (lines.length == 0 || !lines[0].startsWith("forge-retention ")) {
            throw new IntegrityException("the retention policy " + where + " is damaged (no header)");
        }
        if (!lines[0].equals(HEADER)) {
            throw new ForgeException("the retention policy " + where + " is '" + lines[0]
                    + "', newer than this forge understands (" + HEADER + "); upgrade forge");
        }
        Map<String, Rule> rules = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) continue;
            String[] p = line.split(" ", 5);
            if (p.length != 5 || !p[1].matches("\\d{1,18}") || !p[2].matches("\\d{1,18}") || p[4].isEmpty()) {
                throw new IntegrityException("the retention policy " + where + " is damaged at line " + (i + 1));
            }
            Kind kind = null;
            for (Kind k : Kind.values()) if (k.word.equals(p[0])) kind = k;
            if (kind == null) {
                throw new ForgeException("the retention policy " + where + " has a rule '" + p[0]
                        + "' that this forge does not know (line " + (i + 1) + "); upgrade forge");
            }
            Rule r = new Rule(p[4], p[3].equals("*") ? null : p[3], kind, Long.parseLong(p[1]), Long.parseLong(p[2]));
            rules.put(r.key(), r);
        }
        return new RetentionPolicy(rules);
    }

    static void validate(Rule r) {
        if (r.glob().isEmpty() || r.glob().contains("\n") || r.glob().contains("\0")) {
            throw new InvalidInputException("a retention glob must be one non-empty line");
        }
        if (r.branch() != null
                && (r.branch().isEmpty()
                        || r.branch().contains(" ")
                        || r.branch().equals("*"))) {
            throw new InvalidInputException("--branch: not a branch name: " + r.branch());
        }
        if (r.kind() == Kind.KEEP_LAST && r.value() < 1) {
            throw new InvalidInputException(
                    "--keep-last must be at least 1 (to drop every version, use forge obliterate)");
        }
        if (r.kind() == Kind.KEEP_WITHIN && r.value() < 0) {
            throw new InvalidInputException("--keep-within must not be negative");
        }
    }

    /** The repository's policy ({@code .forge/retention}), empty when there is none. */
    public static RetentionPolicy load(Path forgeDir) {
        Path f = forgeDir.resolve(FILE);
        return AtomicFiles.read(f).map(t -> parse(t, f.toString())).orElseGet(RetentionPolicy::empty);
    }

    /** Writes the repository's policy atomically. */
    public void save(Path forgeDir) {
        AtomicFiles.write(forgeDir.resolve(FILE), encode());
    }

    /** 90d, 12h, 30m or 45s: the largest unit that divides the seconds. */
    public static String formatDuration(long seconds) {
        if (seconds != 0 && seconds % 86400 == 0) return seconds / 86400 + "d";
        if (seconds != 0 && seconds % 3600 == 0) return seconds / 3600 + "h";
        if (seconds != 0 && seconds % 60 == 0) return seconds / 60 + "m";
        return seconds + "s";
    }

    /** Rules in force that govern {@code path}. */
    List<Rule> governing(String path) {
        List<Rule> out = new ArrayList<>();
        for (Rule r : active()) if (r.patterns().matches(path)) out.add(r);
        return out;
    }
}
