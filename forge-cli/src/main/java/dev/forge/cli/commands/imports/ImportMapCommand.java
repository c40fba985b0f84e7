package dev.forge.cli.commands.imports;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.gitimport.GitImport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "map",
        description = {
            "Print the git and Forge ids of an imported commit: 'GIT_ID FORGE_ID'.",
            "REV is either id, whole or a unique prefix (4 hex digits or more)."
        })
public final class ImportMapCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(index = "0", paramLabel = "REV")
    String rev;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open(Mode.READ)) {
            String[] pair = new GitImport(repo)
                    .lookup(rev)
                    .orElseThrow(
                            () -> new NotFoundException("no imported commit has the git or Forge id '" + rev + "'"));
            if (out.json()) out.json(object().put("git", pair[0]).put("forge", pair[1]));
            else out.printf("%s %s%n", pair[0], pair[1]);
        }
        return 0;
    }
}
