package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;
import static dev.forge.cli.Units.human;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.DiskUsage;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "du",
        description = {
            "Show where the bytes of the checked-out version are, per path.",
            "Logical size, work tree, local store (stored bytes of the chunks here), each remote (as its pack"
                    + " indexes were last synced; no network) and what is shared with other paths or versions;"
                    + " folders count each chunk once."
        })
public final class DuCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(arity = "0..1", paramLabel = "PATH", description = "A folder or file (default: the current folder).")
    String path;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open(Mode.READ)) {
            String rel = relative(repo.root(), common.cwd().resolve(path == null ? "." : path));
            DiskUsage.Report r = new DiskUsage(repo).run(rel);
            if (out.json()) {
                ObjectNode n = object().put(
                                "commit", r.commit() == null ? null : r.commit().hex());
                r.remotes().forEach(n.putArray("remotes")::add);
                ArrayNode rows = n.putArray("paths");
                for (DiskUsage.Usage u : r.rows()) rows.add(json(u));
                out.json(n);
                return 0;
            }
            StringBuilder head = new StringBuilder(
                    String.format(java.util.Locale.ROOT, "%10s %10s %10s", "SIZE", "WORKTREE", "LOCAL"));
            for (String remote : r.remotes())
                head.append(String.format(java.util.Locale.ROOT, " %10s", truncate(remote)));
            head.append(String.format(java.util.Locale.ROOT, " %10s  %s", "SHARED", "PATH"));
            out.printf("%s%n", head);
            for (DiskUsage.Usage u : r.rows()) {
                StringBuilder line = new StringBuilder(String.format(
                        java.util.Locale.ROOT,
                        "%10s %10s %10s",
                        human(u.size()),
                        human(u.workTree()),
                        human(u.local())));
                for (String remote : r.remotes())
                    line.append(String.format(
                            java.util.Locale.ROOT, " %10s", human(u.remotes().get(remote))));
                String shown = u.path().isEmpty() ? "." : u.path() + (u.directory() ? "/" : "");
                line.append(String.format(java.util.Locale.ROOT, " %10s  %s", human(u.shared()), shown));
                out.printf("%s%n", line);
            }
        }
        return 0;
    }

    private static ObjectNode json(DiskUsage.Usage u) {
        ObjectNode n = object().put("path", u.path())
                .put("type", u.directory() ? "directory" : "file")
                .put("files", u.files())
                .put("size", u.size())
                .put("workTree", u.workTree())
                .put("local", u.local());
        ObjectNode remotes = n.putObject("remotes");
        for (Map.Entry<String, Long> e : u.remotes().entrySet()) remotes.put(e.getKey(), e.getValue());
        n.put("shared", u.shared());
        return n;
    }

    private static String truncate(String remote) {
        return remote.length() <= 10 ? remote : remote.substring(0, 9) + "~";
    }

    /** {@code p} relative to the work tree's root, '/'-separated ("" for the root). */
    static String relative(Path root, Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path r = root.toAbsolutePath().normalize();
        if (!abs.startsWith(r)) throw new InvalidInputException("'" + p + "' is outside the repository " + r);
        String rel = r.relativize(abs).toString().replace('\\', '/');
        if (rel.equals(".forge") || rel.startsWith(".forge/"))
            throw new InvalidInputException("'" + p + "' is inside .forge, not the work tree");
        return rel;
    }
}
