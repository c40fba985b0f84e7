package dev.forge.cli.web;

import dev.forge.core.error.ForgeException;
import dev.forge.core.model.ObjectId;
import dev.forge.mirror.FileLocks;
import dev.forge.mirror.MirrorCheck;
import dev.forge.mirror.MirrorSync;
import dev.forge.mirror.Mirrors;
import dev.forge.mirror.Remote;
import dev.forge.mirror.RemoteOptions;
import dev.forge.mirror.RemoteUrl;
import dev.forge.mirror.Remotes;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * {@code /remotes}: the remotes and mirrors, and, when asked ({@code ?look=NAME}, one remote at a
 * time: it goes over the network), that remote's file locks and, for a mirror, what it lacks. Only
 * reads; what a remote says is escaped like everything else.
 */
final class RemotesPage {
    private RemotesPage() {}

    static String render(RepoReader reader, String repoName, String look) throws IOException {
        return reader.read(repo -> {
            Html h = new Html();
            Map<String, String> remotes = new Remotes(repo).list();
            Map<String, Mirrors.Mirror> mirrors = new Mirrors(repo).list();
            h.raw("<h1>Remotes and mirrors</h1>");
            if (remotes.isEmpty()) {
                h.raw("<p>No remotes (<code>forge remote add NAME URL</code>).</p>");
                return Html.page("Remotes", repoName, h);
            }
            h.raw("<table class=\"files\"><tr><th>Name</th><th>URL</th><th>Role</th><th></th></tr>");
            for (var e : remotes.entrySet()) {
                Mirrors.Mirror m = mirrors.get(e.getKey());
                String role = m == null
                        ? "remote"
                        : "mirror of " + (m.of() == null ? "local branches" : m.of()) + ", takes " + m.route();
                h.raw("<tr><td>")
                        .text(e.getKey())
                        .raw("</td><td><code>")
                        .text(RemoteUrl.redact(e.getValue()))
                        .raw("</code></td><td>")
                        .text(role)
                        .raw("</td><td>")
                        .link("/remotes?look=" + Html.q(e.getKey()), "locks" + (m == null ? "" : " and status"))
                        .raw("</td></tr>");
            }
            h.raw("</table>");
            if (look != null && remotes.containsKey(look)) {
                h.raw("<h2>").text(look).raw("</h2>");
                try (Remote r = new Remotes(repo).open(look, RemoteOptions.defaults())) {
                    List<FileLocks.Lock> locks = new FileLocks(r).all(Remote.DEFAULT_PARALLELISM);
                    h.raw("<h3>File locks</h3>");
                    if (locks.isEmpty()) h.raw("<p>No file is locked.</p>");
                    else {
                        h.raw("<table class=\"files\"><tr><th>Path</th><th>Held by</th><th>Since</th>"
                                + "<th>Branch</th><th>Message</th></tr>");
                        for (FileLocks.Lock l : locks) {
                            h.raw("<tr><td>")
                                    .text(l.path())
                                    .raw("</td><td>")
                                    .text(l.owner())
                                    .raw("</td><td>")
                                    .text(String.valueOf(l.since()))
                                    .raw("</td><td>")
                                    .text(l.branch() == null ? "(every branch)" : l.branch())
                                    .raw("</td><td>")
                                    .text(l.message())
                                    .raw("</td></tr>");
                        }
                        h.raw("</table>");
                    }
                } catch (ForgeException ex) {
                    h.raw("<p class=\"note\">Cannot read the locks: ")
                            .text(ex.getMessage())
                            .raw("</p>");
                }
                Mirrors.Mirror m = mirrors.get(look);
                if (m != null) {
                    MirrorCheck.Status s = new MirrorCheck(
                                    repo, n -> new Remotes(repo).open(n, RemoteOptions.defaults()))
                            .status(m, MirrorSync.source(repo, m));
                    h.raw("<h3>Mirror status</h3>");
                    if (s.error() != null)
                        h.raw("<p class=\"note\">").text(s.error()).raw("</p>");
                    h.raw("<ul>");
                    for (MirrorCheck.BranchState b : s.branches()) {
                        h.raw("<li>").text(b.branch() + ": " + describe(b)).raw("</li>");
                    }
                    h.raw("</ul>");
                }
            }
            return Html.page("Remotes", repoName, h);
        });
    }

    private static String describe(MirrorCheck.BranchState b) {
        return switch (b.state()) {
            case "up-to-date" -> "up to date at " + b.source().shortHex();
            case "stale" -> "on the mirror only (deleted at the source; kept)";
            case "diverged" -> "diverged (the mirror is at " + b.mirror().shortHex() + ")";
            default ->
                (b.state().equals("absent") ? "absent, needs " : "missing ") + b.behind() + " commit(s): "
                        + String.join(
                                " ",
                                b.missing().stream().map(ObjectId::shortHex).toList());
        };
    }
}
