package dev.forge.core.repo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The patterns of the work tree's root {@code .forgeignore}, in gitignore syntax: blank lines and
 * {@code #} comments skipped, {@code !} negates, a trailing {@code /} matches directories only, a
 * pattern with a {@code /} before its end is anchored at the root, otherwise it matches a name at any
 * depth; {@code *}, {@code ?}, {@code [..]} and {@code **} as in gitignore; the last matching pattern
 * wins. Written here because the JDK's glob matcher has different rules for {@code /}, anchoring and
 * negation, and the libraries that implement gitignore (JGit) are far too heavy for one file.
 *
 * <p>Whatever the patterns say, a {@code .forge} or {@code .git} entry at any depth, and everything
 * under it, is always ignored: Forge's own store and a git repository's (or a git worktree's or
 * submodule's {@code .git} file) are never part of a work tree.
 */
final class IgnoreRules {
    private record Rule(Pattern pattern, boolean negate, boolean dirOnly) {}

    private final List<Rule> rules;

    private IgnoreRules(List<Rule> rules) {
        this.rules = rules;
    }

    /** Names ignored at any depth, as file or directory, whatever {@code .forgeignore} says. */
    static final Set<String> ALWAYS_IGNORED = Set.of(".forge", ".git");

    static final IgnoreRules NONE = new IgnoreRules(List.of());

    static IgnoreRules load(Path workTree) throws IOException {
        Path f = workTree.resolve(".forgeignore");
        if (!Files.isRegularFile(f)) return NONE;
        return parse(Files.readAllLines(f, StandardCharsets.UTF_8));
    }

    static IgnoreRules parse(List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        for (String line : lines) {
            String p = stripTrailingSpaces(line);
            if (p.isEmpty() || p.startsWith("#")) continue;
            boolean negate = false;
            if (p.startsWith("!")) {
                negate = true;
                p = p.substring(1);
            } else if (p.startsWith("\\!") || p.startsWith("\\#")) {
                p = p.substring(1);
            }
            boolean dirOnly = p.endsWith("/");
            if (dirOnly) p = p.substring(0, p.length() - 1);
            if (p.isEmpty()) continue;
            boolean anchored = p.contains("/");
            if (p.startsWith("/")) p = p.substring(1);
            String regex = (anchored ? "" : "(?:.*/)?") + globToRegex(p);
            rules.add(new Rule(Pattern.compile(regex), negate, dirOnly));
        }
        return new IgnoreRules(List.copyOf(rules));
    }

    private static String stripTrailingSpaces(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ' && (end < 2 || s.charAt(end - 2) != '\\')) end--;
        return s.substring(0, end);
    }

    private static String globToRegex(String glob) {
        StringBuilder sb = new StringBuilder();
        int n = glob.length();
        for (int i = 0; i < n; i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                boolean dbl = i + 1 < n && glob.charAt(i + 1) == '*';
                if (dbl) {
                    boolean atStart = i == 0 || glob.charAt(i - 1) == '/';
                    boolean atEnd = i + 2 == n;
                    boolean slashAfter = i + 2 < n && glob.charAt(i + 2) == '/';
                    if (atStart && slashAfter) {
                        sb.append("(?:.*/)?");
                        i += 2;
                    } else if (atStart && atEnd) {
                        sb.append(".*");
                        i += 1;
                    } else {
                        sb.append("[^/]*");
                        i += 1;
                    }
                } else {
                    sb.append("[^/]*");
                }
            } else if (c == '?') {
                sb.append("[^/]");
            } else if (c == '[') {
                int close = glob.indexOf(']', i + 1);
                if (close < 0) {
                    sb.append("\\[");
                } else {
                    String body = glob.substring(i + 1, close);
                    if (body.startsWith("!")) body = "^" + body.substring(1);
                    sb.append('[').append(body.replace("\\", "\\\\")).append(']');
                    i = close;
                }
            } else if (c == '\\' && i + 1 < n) {
                sb.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
            } else {
                sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return sb.toString();
    }

    /** Whether {@code path} ('/'-separated, relative to the root) is ignored. */
    boolean ignored(String path, boolean isDirectory) {
        if (alwaysIgnored(path)) return true;
        boolean ignored = false;
        for (Rule r : rules) {
            if (r.dirOnly && !isDirectory) continue;
            if (r.pattern.matcher(path).matches()) ignored = !r.negate;
        }
        return ignored;
    }

    /** Whether any segment of {@code path} is one of {@link #ALWAYS_IGNORED}. */
    static boolean alwaysIgnored(String path) {
        int start = 0;
        while (start <= path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) end = path.length();
            if (ALWAYS_IGNORED.contains(path.substring(start, end))) return true;
            start = end + 1;
        }
        return false;
    }
}
