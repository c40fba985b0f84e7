package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.cli.options.RemoteOption;
import dev.forge.core.model.PathText;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.FileLocks;
import dev.forge.mirror.Remote;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "locks",
        description = {
            "List the file locks on a remote: who holds what, and why.",
            "Also says which of your locks someone else broke (forge unlock --force)."
        })
public final class LocksCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    RemoteOption remoteOption;

    @Parameters(arity = "0..1", paramLabel = "PATH", description = "Only this file's lock.")
    String path;

    @Override
    public Integer call() {
        Output out = common.output(json);
        String remoteName = remoteOption.name();
        try (Repository repo = common.open(dev.forge.core.port.LocalStoreFactory.Mode.READ);
                Remote remote = remoteOption.open(repo, out)) {
            FileLocks locks = new FileLocks(remote);
            FileLocks.Owner me = FileLocks.owner(repo);
            List<FileLocks.Lock> all = path == null
                    ? locks.all(remoteOption.jobs())
                    : locks.find(repo.repoPath(common.cwd(), path)).stream().toList();
            List<FileLocks.Broken> broken = locks.broken();
            if (out.json()) {
                ArrayNode a = dev.forge.cli.Json.array();
                for (FileLocks.Lock l : all) a.add(json(l, me));
                ArrayNode b = dev.forge.cli.Json.array();
                for (FileLocks.Broken x : broken) b.add(brokenJson(x));
                out.json(object().put("remote", remoteName)
                        .<ObjectNode>set("locks", a)
                        .set("broken", b));
            } else {
                for (FileLocks.Broken x : broken) out.warn(brokenText(remoteName, x));
                for (FileLocks.Lock l : all) {
                    out.println(PathText.quote(l.path()) + "\t" + (l.heldBy(me) ? "you: " : "") + l.describe());
                }
            }
        }
        return 0;
    }

    /**
     * After lock or unlock of several paths (the others done and reported): the refusals as one error,
     * the first one's message and how many more; exit 9 when any is another's lock, else 4 (not locked).
     */
    static void throwRefusals(List<? extends FileLocks.Outcome<?>> outcomes) {
        List<dev.forge.core.error.ForgeException> refused = new java.util.ArrayList<>();
        for (FileLocks.Outcome<?> o : outcomes) if (o.refused() != null) refused.add(o.refused());
        if (refused.isEmpty()) return;
        String message = refused.getFirst().getMessage();
        if (refused.size() > 1) {
            message += " (and " + (refused.size() - 1) + " more of the paths given were refused; the others were done)";
        }
        boolean held = refused.stream().anyMatch(e -> e instanceof dev.forge.core.error.LockHeldException);
        throw held
                ? new dev.forge.core.error.LockHeldException(message)
                : new dev.forge.core.error.NotFoundException(message);
    }

    static ObjectNode json(FileLocks.Lock l, FileLocks.Owner me) {
        return object().put("path", l.path())
                .put("owner", l.owner())
                .put("clone", l.cloneId())
                .put("mine", l.heldBy(me))
                .put("branch", l.branch())
                .put("since", l.since().toString())
                .put("message", l.message())
                .put("id", l.id());
    }

    static ObjectNode brokenJson(FileLocks.Broken x) {
        return object().put("path", x.path())
                .put("now", x.now() == null ? null : x.now().describe());
    }

    /** What the holder of a broken lock is told. */
    public static String brokenText(String remote, FileLocks.Broken x) {
        return "your lock on " + PathText.quote(x.path()) + " on " + remote + " was broken by someone else"
                + (x.now() == null
                        ? " (forge unlock --force)"
                        : "; it is now locked by " + x.now().describe());
    }
}
