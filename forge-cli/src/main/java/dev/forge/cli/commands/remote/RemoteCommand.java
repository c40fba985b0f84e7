package dev.forge.cli.commands.remote;

import picocli.CommandLine.Command;

@Command(
        name = "remote",
        description = "Manage the remotes this repository pushes to and fetches from.",
        subcommands = {RemoteAddCommand.class, RemoteRemoveCommand.class, RemoteListCommand.class})
public final class RemoteCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
