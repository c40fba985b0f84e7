package dev.forge.cli.commands;

import picocli.CommandLine.Command;

@Command(name = "demo", description = "Version a generated media project end to end and print what it cost.")
public final class DemoCommand extends RepoCommand {
  @Override
  public Integer call() {
    out().println("demo: not written yet");
    return 1;
  }
}
