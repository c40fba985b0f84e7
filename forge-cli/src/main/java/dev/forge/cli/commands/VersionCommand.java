package dev.forge.cli.commands;

import dev.forge.core.hash.Blake3;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "version", description = "Print the version of forge and of the runtime.")
public final class VersionCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print as JSON.")
    boolean json;

    public static String version() {
        String v = VersionCommand.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public Integer call() {
        String blake3 = Blake3.nativeAvailable() ? "native" : "java (" + Blake3.nativeUnavailableReason() + ")";
        if (json) {
            spec.commandLine()
                    .getOut()
                    .printf(
                            Locale.ROOT,
                            "{\"version\": \"%s\", \"java\": \"%s\", \"blake3\": \"%s\", \"repositoryFormat\": %d}%n",
                            version(),
                            Runtime.version(),
                            Blake3.nativeAvailable() ? "native" : "java",
                            dev.forge.core.port.RepoConfig.FORMAT);
        } else {
            spec.commandLine()
                    .getOut()
                    .printf(
                            Locale.ROOT,
                            "forge %s (repository format %d, Java %s, BLAKE3 %s)%n",
                            version(),
                            dev.forge.core.port.RepoConfig.FORMAT,
                            Runtime.version(),
                            blake3);
        }
        return 0;
    }
}
