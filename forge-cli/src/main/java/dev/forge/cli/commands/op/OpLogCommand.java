package dev.forge.cli.commands.op;

import static dev.forge.cli.Json.array;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.port.Operation;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Undo;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        addMethodSubcommands = false,
        name = "log",
        description = {"Show the operations that changed refs, HEAD or the stage.", "Newest first."})
public final class OpLogCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Option(
            names = {"-n", "--max-count"},
            paramLabel = "N",
            description = "Show at most N operations (default 20).")
    int limit = 20;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open(Mode.READ)) {
            List<Operation> ops = new Undo(repo).log(limit);
            if (out.json()) {
                ArrayNode a = array();
                for (Operation op : ops) {
                    ObjectNode n = a.addObject();
                    n.put("time", op.time().toString())
                            .put("command", dev.forge.mirror.RemoteUrl.redact(op.command()))
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
                                .put("before", dev.forge.mirror.RemoteUrl.redact(c.before()))
                                .put("after", dev.forge.mirror.RemoteUrl.redact(c.after()));
                    }
                }
                out.json(a);
                return 0;
            }
            for (Operation op : ops) {
                out.printf(
                        "%s  %s%n",
                        op.time(),
                        dev.forge.core.model.PathText.sanitize(dev.forge.mirror.RemoteUrl.redact(op.command())));
                for (Operation.RefChange c : op.refChanges()) {
                    out.printf(
                            "    %s: %s -> %s%n",
                            c.ref(),
                            c.before() == null ? "(none)" : c.before().shortHex(),
                            c.after() == null ? "(deleted)" : c.after().shortHex());
                }
                for (Operation.RemoteChange c : op.remoteChanges()) {
                    out.printf(
                            "    remote %s: %s -> %s%n",
                            c.name(),
                            c.before() == null ? "(none)" : dev.forge.mirror.RemoteUrl.redact(c.before()),
                            c.after() == null ? "(removed)" : dev.forge.mirror.RemoteUrl.redact(c.after()));
                }
            }
        }
        return 0;
    }
}
