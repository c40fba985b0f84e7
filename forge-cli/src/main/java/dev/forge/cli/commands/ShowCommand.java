package dev.forge.cli.commands;

import dev.forge.cli.options.CommonOptions;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.Repository;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "show",
        description = {
            "Write the bytes of REV:PATH to standard output.",
            "Pipe or redirect it: forge show HEAD~1:audio/mix.wav > old.wav"
        })
public final class ShowCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "REV:PATH", description = "For example HEAD:shots/010/plate.exr or main~2:audio/mix.wav")
    String spec;

    @Override
    public Integer call() throws IOException {
        try (Repository repo = common.open(Mode.READ)) {
            // Raw bytes straight to fd 1: no charset, no line-ending translation.
            OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 20);
            new Checkout(repo).show(spec, out);
            out.flush();
        }
        return 0;
    }
}
