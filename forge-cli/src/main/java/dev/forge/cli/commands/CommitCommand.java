package dev.forge.cli.commands;

import dev.forge.core.repo.CommitOp;
import dev.forge.core.repo.Repository;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "commit", description = "Record the staged files as a new commit.")
public final class CommitCommand extends RepoCommand {
    @Option(
            names = {"-m", "--message"},
            required = true,
            paramLabel = "MSG",
            description = "The commit message.")
    String message;

    @Option(
            names = "--author",
            paramLabel = "\"Name <mail>\"",
            description = "Author (default: $FORGE_AUTHOR, else your user name).")
    String author;

    @Option(names = "--allow-empty", description = "Commit even when nothing changed.")
    boolean allowEmpty;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() {
        String who = author != null ? author : defaultAuthor();
        try (Repository repo = open()) {
            CommitOp.Result r;
            try {
                r = new CommitOp(repo).run(message, who, allowEmpty);
            } catch (CommitOp.NothingToCommitException e) {
                if (json) printJson(object().put("committed", false).put("reason", e.getMessage()));
                else out().println(e.getMessage());
                return 1;
            }
            if (json) {
                printJson(object().put("committed", true)
                        .put("commit", r.commit().hex())
                        .put("branch", r.branch())
                        .put("files", r.files())
                        .put("bytes", r.bytes())
                        .put("root", r.rootCommit()));
            } else {
                out().printf(
                                Locale.ROOT,
                                "[%s%s %s] %s%n",
                                r.branch() == null ? "detached" : r.branch(),
                                r.rootCommit() ? " (root-commit)" : "",
                                r.commit().shortHex(),
                                firstLine(message));
                out().printf(Locale.ROOT, " %d file%s, %s%n", r.files(), r.files() == 1 ? "" : "s", human(r.bytes()));
            }
        }
        return 0;
    }

    static String defaultAuthor() {
        String env = System.getenv("FORGE_AUTHOR");
        if (env != null && !env.isBlank()) return env.trim();
        String user = System.getProperty("user.name", "forge");
        // No DNS lookup of the host name: it can stall for seconds on a render node without a resolver.
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        return user + " <" + user + "@" + host + ">";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
