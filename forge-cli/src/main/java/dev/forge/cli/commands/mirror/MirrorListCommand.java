package dev.forge.cli.commands.mirror;

import static dev.forge.cli.Json.array;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Mirrors;
import dev.forge.mirror.RemoteUrl;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        addMethodSubcommands = false,
        name = "list",
        aliases = "ls",
        description = "List the mirrors with what each follows and takes.")
public final class MirrorListCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open(Mode.READ)) {
            var mirrors = new Mirrors(repo).list();
            if (out.json()) {
                var a = array();
                mirrors.values().forEach(m -> {
                    var n = a.addObject()
                            .put("name", m.name())
                            .put("url", RemoteUrl.redact(repo.remotes().get(m.name())))
                            .put("of", m.of());
                    m.only().forEach(n.putArray("only")::add);
                });
                out.json(a);
            } else {
                mirrors.values()
                        .forEach(m -> out.printf(
                                "%s\t%s\tof %s\ttakes %s%n",
                                m.name(),
                                RemoteUrl.redact(repo.remotes().get(m.name())),
                                m.of() == null ? "(local branches)" : m.of(),
                                m.route()));
            }
        }
        return 0;
    }
}
