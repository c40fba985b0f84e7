package dev.forge.cli.commands;

import dev.forge.cli.ExitCode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.core.error.InvalidInputException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "help",
        description = "Show help for forge, a COMMAND, or a topic (exit-codes).")
public final class HelpCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "COMMAND", description = "A command, or 'exit-codes'.")
    java.util.List<String> topic;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        Output out = common.output();
        if (topic == null || topic.isEmpty()) {
            root.usage(spec.commandLine().getOut());
            return 0;
        }
        if (topic.size() == 1 && topic.get(0).equals("exit-codes")) {
            out.printf("%s", ExitCode.table());
            return 0;
        }
        CommandLine cl = root;
        for (String t : topic) {
            cl = cl.getSubcommands().get(t);
            if (cl == null)
                throw new InvalidInputException("no such command or help topic: " + String.join(" ", topic));
        }
        cl.usage(spec.commandLine().getOut());
        return 0;
    }
}
