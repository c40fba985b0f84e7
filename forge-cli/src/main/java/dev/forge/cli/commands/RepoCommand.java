package dev.forge.cli.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.repo.Repository;
import dev.forge.storage.RocksLocalStoreFactory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * What every command shares: {@code -C DIR}, the wiring of forge-storage into forge-core, --json
 * output and progress. Subclasses parse their arguments and call forge-core; they hold no logic.
 */
public abstract class RepoCommand implements Callable<Integer> {
    /** Jackson is loaded only by commands that print JSON: it costs ~100 ms of class loading at start. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    static final LocalStoreFactory STORES = new RocksLocalStoreFactory();

    @CommandLine.Spec
    protected CommandLine.Model.CommandSpec spec;

    @Option(names = "-C", paramLabel = "DIR", description = "Run as if forge was started in DIR.")
    Path directory;

    protected Path cwd() {
        Path base = Path.of("").toAbsolutePath();
        Path d = directory;
        if (d == null && spec.root().userObject() instanceof dev.forge.cli.Main m) d = m.directory();
        return d == null ? base : base.resolve(d).normalize();
    }

    protected Repository open() {
        return Repository.open(STORES, cwd());
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    protected ProgressListener progress(boolean json) {
        return dev.forge.cli.Terminal.progress(json);
    }

    protected static com.fasterxml.jackson.databind.node.ArrayNode array() {
        return Json.MAPPER.createArrayNode();
    }

    protected static ObjectNode object() {
        return Json.MAPPER.createObjectNode();
    }

    protected void printJson(Object node) {
        try {
            out().println(Json.MAPPER.writeValueAsString(node));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out().flush();
    }

    protected static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int i = -1;
        do {
            v /= 1024;
            i++;
        } while (v >= 1024 && i < units.length - 1);
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[i]);
    }

    protected static String rate(long bytes, double seconds) {
        if (seconds <= 0) return "-";
        return String.format(java.util.Locale.ROOT, "%.0f MB/s", bytes / seconds / 1e6);
    }
}
