package dev.forge.cli.commands;

import dev.forge.cli.options.CommonOptions;
import dev.forge.core.error.InvalidInputException;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        addMethodSubcommands = false,
        name = "completion",
        description = {
            "Print a shell completion script for bash or zsh.",
            "Load it in the shell's start-up file: source <(forge completion bash), or in ~/.zshrc",
            "source <(forge completion zsh). It completes commands, subcommands and options."
        })
public final class CompletionCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    String shell;

    @Override
    public Integer call() {
        // picocli's script is written for bash and loads bash's completion layer (bashcompinit) itself
        // when zsh sources it, so one script serves both.
        if (!shell.equals("bash") && !shell.equals("zsh"))
            throw new InvalidInputException("no completion for shell '" + shell + "' (bash or zsh)");
        String script = AutoComplete.bash("forge", spec.root().commandLine());
        common.output().printf("%s", script);
        return 0;
    }
}
