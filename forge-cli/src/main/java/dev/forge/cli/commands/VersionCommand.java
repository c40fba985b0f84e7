package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.hash.Blake3;
import dev.forge.core.port.RepoConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(addMethodSubcommands = false, name = "version", description = "Print the version of forge and of the runtime.")
public final class VersionCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    public static String version() {
        String v = VersionCommand.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * The runtime's version as {@code Runtime.version()} prints it ("25.0.3+9-LTS"), read from the
     * property the JVM sets: {@code Runtime.Version.toString} joins its parts through streams, a tenth
     * of {@code forge version}'s time when nothing else has run yet.
     */
    static String javaVersion() {
        String v = System.getProperty("java.runtime.version");
        return v != null ? v : Runtime.version().toString();
    }

    /** The line {@code forge version} (and {@code forge --version}) prints. */
    public static String text() {
        // From the record of an earlier self-test when there is one: loading the library was a third of this command.
        String blake3 =
                Blake3.nativeAvailableOrPassedEarlier() ? "native" : "java (" + Blake3.nativeUnavailableReason() + ")";
        return "forge " + version() + " (repository format " + RepoConfig.FORMAT + ", Java " + javaVersion()
                + ", BLAKE3 " + blake3 + ")";
    }

    @Override
    public Integer call() {
        Output out = common.output(json);
        if (out.json()) {
            out.json(object().put("version", version())
                    .put("java", javaVersion())
                    .put("blake3", Blake3.nativeAvailableOrPassedEarlier() ? "native" : "java")
                    .put("repositoryFormat", RepoConfig.FORMAT));
        } else {
            out.println(text());
        }
        return 0;
    }
}
