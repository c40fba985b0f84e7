package dev.forge.cli.commands.op;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.cli.commands.RepoCommand;
import dev.forge.core.port.Operation;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Undo;
import dev.forge.mirror.RemoteUrl;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "log", description = "Show the operations that changed refs, HEAD, the stage or remotes, newest first.")
public final class OpLogCommand extends RepoCommand {
    @Option(
            names = {"-n", "--max-count"},
            paramLabel = "N",
            description = "Show at most N operations (default 20).")
    int limit = 20;

    @Option(names = "--json", description = "Print as JSON.")
    boolean json;

    @Override
    public Integer call() {
        try (Repository repo = open()) {
            List<Operation> ops = new Undo(repo).log(limit);
            if (json) {
                ArrayNode a = array();
                for (Operation op : ops) {
                    ObjectNode n = a.addObject();
                    n.put("time", op.time().toString())
                            .put("command", RemoteUrl.redact(op.command()))
                            .put("headBefore", op.headBefore())
                            .put("headAfter", op.headAfter());
                    ArrayNode refs = n.putArray("refs");
                    for (Operation.RefChange c : op.refChanges()) {
                        refs.addObject()
                                .put("ref", c.ref())
                                .put(
                                        "before",
                                        c.before() == null ? null : c.before().hex())
                                .put(
                                        "after",
                                        c.after() == null ? null : c.after().hex());
                    }
                    ArrayNode remotes = n.putArray("remotes");
                    for (Operation.RemoteChange c : op.remoteChanges()) {
                        remotes.addObject()
                                .put("name", c.name())
                                .put("before", RemoteUrl.redact(c.before()))
                                .put("after", RemoteUrl.redact(c.after()));
                    }
                }
                printJson(a);
                return 0;
            }
            for (Operation op : ops) {
                out().printf(Locale.ROOT, "%s  %s%n", op.time(), RemoteUrl.redact(op.command()));
                for (Operation.RefChange c : op.refChanges()) {
                    out().printf(
                                    Locale.ROOT,
                                    "    %s: %s -> %s%n",
                                    c.ref(),
                                    c.before() == null ? "(none)" : c.before().shortHex(),
                                    c.after() == null ? "(deleted)" : c.after().shortHex());
                }
                for (Operation.RemoteChange c : op.remoteChanges()) {
                    out().printf(
                                    java.util.Locale.ROOT,
                                    "    remote %s: %s -> %s%n",
                                    c.name(),
                                    c.before() == null ? "(none)" : RemoteUrl.redact(c.before()),
                                    c.after() == null ? "(removed)" : RemoteUrl.redact(c.after()));
                }
            }
        }
        return 0;
    }
}
