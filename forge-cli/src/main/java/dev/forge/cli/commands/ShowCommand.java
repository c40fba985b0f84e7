package dev.forge.cli.commands;

import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.Repository;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "show", description = "Write the bytes of REV:PATH to standard output (pipe or redirect it).")
public final class ShowCommand extends RepoCommand {
    @Parameters(paramLabel = "REV:PATH", description = "For example HEAD:shots/010/plate.exr or main~2:audio/mix.wav")
    String spec;

    @Override
    public Integer call() throws IOException {
        try (Repository repo = open(Mode.READ)) {
            // Raw bytes straight to fd 1: no charset, no line-ending translation.
            OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 20);
            new Checkout(repo).show(spec, out);
            out.flush();
        }
        return 0;
    }
}
