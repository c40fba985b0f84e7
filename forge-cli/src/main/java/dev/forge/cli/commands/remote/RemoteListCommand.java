package dev.forge.cli.commands.remote;

import static dev.forge.cli.Json.array;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Remotes;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(addMethodSubcommands = false, name = "list", aliases = "ls", description = "List the remotes: name and URL.")
public final class RemoteListCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open(Mode.READ)) {
            Map<String, String> remotes = new Remotes(repo).list();
            var mirrors = new dev.forge.mirror.Mirrors(repo).list();
            if (out.json()) {
                ArrayNode a = array();
                remotes.forEach((n, u) -> {
                    var o = a.addObject().put("name", n).put("url", dev.forge.mirror.RemoteUrl.redact(u));
                    var m = mirrors.get(n);
                    o.put("role", m == null ? "remote" : "mirror");
                    if (m != null)
                        o.put("mirrorOf", m.of()).put("takes", m.route().toString());
                });
                out.json(a);
            } else {
                remotes.forEach((n, u) -> {
                    var m = mirrors.get(n);
                    String role = m == null
                            ? ""
                            : "\t(mirror of " + (m.of() == null ? "local branches" : m.of()) + ", takes " + m.route()
                                    + ")";
                    out.printf("%s\t%s%s%n", n, dev.forge.mirror.RemoteUrl.redact(u), role);
                });
            }
            remotes.forEach((n, u) -> {
                if (dev.forge.mirror.RemoteUrl.hasCredentials(u)) {
                    out.warn("remote '" + n + "' has credentials in its stored URL (an older forge kept"
                            + " them): re-add it without them ('forge remote remove " + n + "', 'forge remote add "
                            + n + " URL') and " + dev.forge.mirror.RemoteUrl.CREDENTIALS_HINT);
                }
            });
        }
        return 0;
    }
}
