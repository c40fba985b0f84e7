package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Settings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "config",
        customSynopsis = {
            "forge config KEY [VALUE] [--json]",
            "       forge config --unset KEY [--json]",
            "       forge config --list [--json]"
        },
        description = {
            "Print, set or unset a repository setting, or list them.",
            "Settings (the table with defaults is in docs/cli.md):",
            "  compression   auto|fast|balanced|max|none (default auto)",
            "  gc.graceDays  days that gc keeps what old operations name (default 14)",
            "  user.name     commit author's name (default: your login name)",
            "  user.email    commit author's address (default: LOGIN@HOSTNAME)",
            "  remote.timeout  seconds a remote may not answer before giving up (default 30)",
            "  remote.maxWait  seconds of waiting a server may ask for, per request (default 120)",
            "FORGE_AUTHOR=\"Name <mail>\" overrides user.name and user.email,",
            "FORGE_REMOTE_TIMEOUT and FORGE_REMOTE_MAX_WAIT the remote ones.",
            "Reserved for later versions: remote.NAME.*, store.maxSize, lock.readOnly."
        })
public final class ConfigCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(index = "0", arity = "0..1", paramLabel = "KEY", description = "The setting.")
    String key;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "VALUE",
            description = "The new value; omit to print the current one.")
    String value;

    @Option(
            names = {"-l", "--list"},
            description = "Print every setting that has a value.")
    boolean list;

    @Option(names = "--unset", description = "Remove KEY's value (a setting with a default goes back to it).")
    boolean unset;

    @Override
    public Integer call() {
        if (list ? key != null || unset : key == null)
            throw new InvalidInputException("name one KEY, or give --list alone");
        if (unset && value != null) throw new InvalidInputException("--unset takes a KEY, not a VALUE");
        Output out = common.output(json);
        try (Repository repo = common.open(list || (value == null && !unset) ? Mode.READ : Mode.WRITE)) {
            Settings settings = new Settings(repo);
            if (list) {
                var all = settings.list();
                if (out.json()) {
                    ObjectNode n = object();
                    all.forEach(n::put);
                    out.json(n);
                } else {
                    all.forEach((k, v) -> out.println(k + "=" + v));
                }
                return 0;
            }
            if (unset) settings.unset(key);
            else if (value != null) settings.set(key, value);
            String now = settings.get(key).orElse(null);
            boolean read = !unset && value == null;
            if (read && now == null)
                throw new ForgeException(key + " is not set ('forge config " + key + " VALUE' sets it)");
            if (out.json()) out.json(object().put("key", key).put("value", now));
            else if (read) out.println(now);
        }
        return 0;
    }
}
