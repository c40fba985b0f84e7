package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;
import static dev.forge.cli.Units.human;
import static dev.forge.cli.Units.rate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.cli.Output;
import dev.forge.cli.demo.DemoProject;
import dev.forge.cli.demo.DemoRun;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.repo.Stats;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        addMethodSubcommands = false,
        name = "demo",
        description = {
            "Version a generated media project and print what it cost.",
            "Writes PNG frames, a WAV, a glTF model and a large layered binary into a new folder and commits them (v1); "
                    + "edits them (new frames, an audio punch-in, a layer inserted into the large file) and commits again (v2); "
                    + "checks both commits out into fresh folders, verifies every byte, and prints sizes, stored bytes and throughput."
        })
public final class DemoCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description = "Put the project in DIR, which must be new or empty (default: a new folder in the temp dir).")
    Path dir;

    @Option(
            names = "--size-mib",
            paramLabel = "N",
            defaultValue = "256",
            description = "Size of the large binary in MiB (default: ${DEFAULT-VALUE}).")
    int sizeMib;

    @Option(names = "--keep-checkouts", description = "Keep the verified checkouts of v1 and v2 (deleted by default).")
    boolean keepCheckouts;

    @Override
    public Integer call() throws IOException {
        if (sizeMib < 1 || sizeMib > DemoRun.MAX_SIZE_MIB) {
            throw new InvalidInputException(
                    "--size-mib must be between 1 and " + DemoRun.MAX_SIZE_MIB + ", got " + sizeMib);
        }
        Output out = common.output(json);
        Path root = DemoRun.prepare(dir == null ? null : common.cwd().resolve(dir));
        DemoRun.Report r = DemoRun.run(CommonOptions.STORES, root, sizeMib, keepCheckouts, out.progress());
        if (out.json()) out.json(toJson(r));
        else print(r, out);
        return 0;
    }

    private static ObjectNode toJson(DemoRun.Report r) {
        ObjectNode o = object();
        o.put("repository", r.repository().toString());
        o.put("checkouts", r.checkouts() == null ? null : r.checkouts().toString());
        o.put("largeBinaryBytes", r.largeBinaryBytes());
        o.put("insertedBytes", r.insertedBytes());
        o.set("v1", version(r.v1()));
        ObjectNode v2 = version(r.v2());
        v2.put("storedIncrement", r.storedIncrement())
                .put("changedFiles", r.changedFiles())
                .put("changedBytes", r.changedBytes());
        ArrayNode costs = v2.putArray("costs");
        for (DemoRun.Cost c : r.costs()) {
            costs.addObject()
                    .put("what", c.what())
                    .put("change", c.change())
                    .put("files", c.files())
                    .put("bytes", c.bytes())
                    .put("newChunks", c.newChunks())
                    .put("newChunkBytes", c.newChunkBytes())
                    .put("chunkStoredBytes", c.chunkStoredBytes())
                    .put("listStoredBytes", c.listStoredBytes())
                    .put("storedBytes", c.storedBytes());
        }
        o.set("v2", v2);
        Stats.Report s = r.stats();
        o.putObject("repositoryStats")
                .put("commits", s.commits())
                .put("logicalBytes", s.logicalBytes())
                .put("uniqueChunks", s.uniqueChunks())
                .put("uniqueChunkBytes", s.uniqueChunkBytes())
                .put("packs", s.packs())
                .put("storedBytes", s.storedBytes())
                .put("dedupRatio", Math.round(s.dedupRatio() * 1000) / 1000.0);
        o.putObject("verification")
                .put("passed", true)
                .put("files", r.verifiedFiles())
                .put("bytes", r.verifiedBytes())
                .put("digest", "SHA-256");
        ArrayNode steps = o.putArray("steps");
        for (DemoRun.Step st : r.steps()) {
            steps.addObject()
                    .put("name", st.name())
                    .put("bytes", st.bytes())
                    .put("seconds", round3(st.seconds()))
                    .put("mbPerSecond", Math.round(st.mbPerSecond() * 10) / 10.0);
        }
        o.putObject("remote")
                .put("url", r.remote().url())
                .put("v1BytesSent", r.remote().v1Sent())
                .put("v2BytesSent", r.remote().v2Sent())
                .put("cloneBytesReceived", r.remote().cloneReceived())
                .put("cloneFilesVerified", r.remote().cloneFiles());
        o.put("seconds", round3(r.seconds()));
        return o;
    }

    private static ObjectNode version(DemoRun.Version v) {
        return object().put("rev", v.rev())
                .put("commit", v.commit().hex())
                .put("files", v.files())
                .put("bytes", v.bytes())
                .put("storedBytes", v.storedBytes());
    }

    private static void print(DemoRun.Report r, Output out) {
        DemoRun.Version v1 = r.v1();
        DemoRun.Version v2 = r.v2();
        Stats.Report s = r.stats();
        out.printf(
                "Forge demo: a media project, committed twice, both commits checked out and verified byte for byte.%n%n");
        out.printf(
                "  v1  %s  %3d files  %10s   %d PNG frames, %d s of 24-bit audio, a glTF model, a %s layered binary%n",
                v1.commit().shortHex(),
                v1.files(),
                human(v1.bytes()),
                DemoProject.V1_FRAMES,
                DemoProject.AUDIO_SECONDS,
                human(r.largeBinaryBytes()));
        out.printf(
                "  v2  %s  %3d files  %10s   %d files changed (%s)%n%n",
                v2.commit().shortHex(), v2.files(), human(v2.bytes()), r.changedFiles(), human(r.changedBytes()));
        out.printf(
                "Stored (pack bytes): %s after v1, %s after v2.%n", human(v1.storedBytes()), human(v2.storedBytes()));
        out.printf(
                "v2 added %s for %s of changed files (%s):%n",
                human(r.storedIncrement()), human(r.changedBytes()), percent(r.storedIncrement(), r.changedBytes()));
        int w = 0;
        for (DemoRun.Cost c : r.costs()) w = Math.max(w, c.what().length());
        for (DemoRun.Cost c : r.costs()) {
            String detail = "";
            if (c.files() > 0) {
                detail = c.change() + ": " + c.newChunks() + " new chunk" + (c.newChunks() == 1 ? "" : "s");
                if (c.listStoredBytes() > 0)
                    detail +=
                            " (" + human(c.chunkStoredBytes()) + ") + chunk list (" + human(c.listStoredBytes()) + ")";
            }
            out.println(String.format(Locale.ROOT, "  %-" + w + "s  %10s  %s", c.what(), human(c.storedBytes()), detail)
                    .stripTrailing());
        }
        out.printf(
                "Deduplication and compression: %s in %d commits stored in %s: %.2fx%n%n",
                human(s.logicalBytes()), s.commits(), human(s.storedBytes()), s.dedupRatio());
        int sw = 0;
        for (DemoRun.Step st : r.steps()) sw = Math.max(sw, st.name().length());
        for (DemoRun.Step st : r.steps()) {
            out.printf(
                    "  %-" + sw + "s  %10s  %6.2f s  %9s%n",
                    st.name(),
                    human(st.bytes()),
                    st.seconds(),
                    rate(st.bytes(), st.seconds()));
        }
        out.printf("  %-" + sw + "s  %10s  %6.2f s%n%n", "total", "", r.seconds());
        out.printf(
                "Verified: %d files (%s) checked out from v1 and v2 match what was written (SHA-256).%n",
                r.verifiedFiles(), human(r.verifiedBytes()));
        out.printf(
                "Remote: pushed v1 (%s sent) and v2 (%s sent for %s of changed files) to %s; a fresh clone received %s, %d files verified.%n",
                human(r.remote().v1Sent()),
                human(r.remote().v2Sent()),
                human(r.changedBytes()),
                r.checkouts() != null ? r.remote().url() : "a temporary file:// remote",
                human(r.remote().cloneReceived()),
                r.remote().cloneFiles());
        if (r.checkouts() != null) out.printf("Checkouts kept in %s%n", r.checkouts());
        out.printf(
                "The repository is %s; look around with:%n  cd %s && forge log && forge stats%n",
                r.repository(), shellQuote(r.repository()));
    }

    private static String percent(long part, long whole) {
        if (whole <= 0) return "-";
        double p = 100.0 * part / whole;
        return String.format(Locale.ROOT, p < 1 ? "%.2f%%" : "%.1f%%", p);
    }

    private static String shellQuote(Path p) {
        String s = p.toString();
        return s.matches("[A-Za-z0-9_./@%+=:,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
