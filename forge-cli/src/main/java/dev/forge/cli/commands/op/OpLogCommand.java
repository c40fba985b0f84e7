package dev.forge.cli.commands.op;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.cli.commands.RepoCommand;
import dev.forge.core.port.Operation;
import dev.forge.core.repo.Repository;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "log", description = "Show the operations that changed refs, HEAD or the stage, newest first.")
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
            List<Operation> ops = repo.undo().log(limit);
            if (json) {
                ArrayNode a = array();
                for (Operation op : ops) {
                    ObjectNode n = a.addObject();
                    n.put("time", op.time().toString())
                            .put("command", op.command())
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
                }
                printJson(a);
                return 0;
            }
            for (Operation op : ops) {
                out().printf(Locale.ROOT, "%s  %s%n", op.time(), op.command());
                for (Operation.RefChange c : op.refChanges()) {
                    out().printf(
                                    Locale.ROOT,
                                    "    %s: %s -> %s%n",
                                    c.ref(),
                                    c.before() == null ? "(none)" : c.before().shortHex(),
                                    c.after() == null ? "(deleted)" : c.after().shortHex());
                }
            }
        }
        return 0;
    }
}
