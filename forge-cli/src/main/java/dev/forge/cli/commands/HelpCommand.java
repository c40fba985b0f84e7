package dev.forge.cli.commands;

import dev.forge.cli.ExitCode;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "help", description = "Show help for forge, a COMMAND, or a topic (exit-codes).")
public final class HelpCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "COMMAND", description = "A command, or 'exit-codes'.")
    java.util.List<String> topic;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        var out = spec.commandLine().getOut();
        if (topic == null || topic.isEmpty()) {
            root.usage(out);
            return 0;
        }
        if (topic.size() == 1 && topic.get(0).equals("exit-codes")) {
            out.print(ExitCode.table());
            out.flush();
            return 0;
        }
        CommandLine cl = root;
        for (String t : topic) {
            cl = cl.getSubcommands().get(t);
            if (cl == null) {
                spec.commandLine().getErr().println("forge: no such command or help topic: " + String.join(" ", topic));
                return ExitCode.USAGE.code();
            }
        }
        cl.usage(out);
        return 0;
    }
}
