package dev.forge.cli.commands;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.hash.Blake3;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "version", description = "Print the version of forge and of the runtime.")
public final class VersionCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    public static String version() {
        String v = VersionCommand.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public Integer call() {
        Output out = common.output(json);
        String blake3 = Blake3.nativeAvailable() ? "native" : "java (" + Blake3.nativeUnavailableReason() + ")";
        if (out.json()) {
            out.printf(
                    "{\"version\": \"%s\", \"java\": \"%s\", \"blake3\": \"%s\", \"repositoryFormat\": %d}%n",
                    version(),
                    Runtime.version(),
                    Blake3.nativeAvailable() ? "native" : "java",
                    dev.forge.core.port.RepoConfig.FORMAT);
        } else {
            out.printf(
                    "forge %s (repository format %d, Java %s, BLAKE3 %s)%n",
                    version(), dev.forge.core.port.RepoConfig.FORMAT, Runtime.version(), blake3);
        }
        return 0;
    }
}
