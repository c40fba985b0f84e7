package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.json;
import static dev.forge.cli.e2e.ForgeProcess.run;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.cli.ExitCode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conventions every command shares, through dist/forge: --version and bare forge, help summaries,
 * -q, NO_COLOR and terminals, shell completion, --json on every reporting command and for errors,
 * and options that must not swallow the arguments after them.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CliConventionsIT {
    @TempDir
    Path tmp;

    @BeforeAll
    static void built() {
        ForgeProcess.forge();
    }

    private Path repo(String name) throws IOException {
        Path r = Files.createDirectories(tmp.resolve(name));
        run(r, "init").ok();
        return r;
    }

    private static void write(Path p, String s) throws IOException {
        if (p.getParent() != null) Files.createDirectories(p.getParent());
        Files.writeString(p, s);
    }

    private static void random(Path p, int size, long seed) throws IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        if (p.getParent() != null) Files.createDirectories(p.getParent());
        Files.write(p, b);
    }

    // ------------------------------------------------------------------ version, bare forge, help

    @Test
    void versionOptionPrintsWhatTheVersionCommandPrints() {
        String expected = run(tmp, "version").ok().stdout();
        assertTrue(expected.startsWith("forge "), expected);
        for (String flag : new String[] {"--version", "-V"}) {
            ForgeProcess.Result r = run(tmp, flag).ok();
            assertEquals(expected, r.stdout(), r::describe);
            assertEquals("", r.stderr(), r::describe);
        }
    }

    @Test
    void versionJsonIsJson() {
        JsonNode n = json(run(tmp, "version", "--json").ok());
        assertEquals(2, n.path("repositoryFormat").asInt(), n::toString);
        assertFalse(n.path("java").asText().isEmpty(), n::toString);
        assertTrue(List.of("native", "java").contains(n.path("blake3").asText()), n::toString);
        assertFalse(n.path("version").asText().isEmpty(), n::toString);
    }

    @Test
    void bareForgePrintsTheUsageOnStderrAndExits2() {
        ForgeProcess.Result r = run(tmp).expect(ExitCode.USAGE.code());
        assertEquals("", r.stdout(), r::describe);
        assertTrue(r.stderr().startsWith("Usage: forge"), r::describe);
        assertTrue(r.stderr().contains("Commands:") && r.stderr().contains("  status "), r::describe);
        // the same with only global options
        run(tmp, "-q", "--debug").expect(ExitCode.USAGE.code());
    }

    @Test
    void aGroupWithoutItsSubcommandIsAUsageError() {
        for (String group : new String[] {"remote", "op", "sparse", "auth", "video", "mirror", "key"}) {
            ForgeProcess.Result r = run(tmp, group).expect(ExitCode.USAGE.code());
            assertEquals("", r.stdout(), r::describe);
            assertTrue(r.stderr().startsWith("forge: "), r::describe);
            assertTrue(r.stderr().contains("forge help " + group), r::describe);
        }
    }

    /** The command list of `forge help [GROUP]`: name -> summary, each entry checked to be on one line. */
    private Map<String, String> summaries(String... helpArgs) {
        List<String> args = new ArrayList<>(List.of("help"));
        args.addAll(List.of(helpArgs));
        ForgeProcess.Result r = run(tmp, args.toArray(String[]::new)).ok();
        List<String> lines = r.stdout().lines().toList();
        int start = lines.indexOf("Commands:");
        assertTrue(start >= 0, r::describe);
        Map<String, String> out = new java.util.LinkedHashMap<>();
        Pattern entry = Pattern.compile("^  ([^\\s,]+(?:, [^\\s,]+)*)\\s+(\\S.*)$"); // "remove, rm  Forget ..."
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.isBlank()) break;
            Matcher m = entry.matcher(line);
            assertTrue(m.matches(), () -> "a summary runs over more than one line: '" + line + "' in " + r.describe());
            assertTrue(line.length() <= 80, () -> "wider than 80 columns: '" + line + "'");
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    @Test
    void everyHelpSummaryIsOneCompleteSentenceOnOneLine() {
        Map<String, String> all = new java.util.LinkedHashMap<>(summaries());
        assertTrue(
                all.keySet().containsAll(List.of("init", "add", "status", "push", "completion", "help")),
                all::toString);
        assertTrue(all.size() >= 30, all::toString);
        for (String group : new String[] {"remote", "op", "sparse", "auth", "video", "mirror", "key"}) {
            Map<String, String> sub = summaries(group);
            assertFalse(sub.isEmpty(), group);
            sub.forEach((k, v) -> all.put(group + " " + k, v));
        }
        all.forEach((cmd, summary) -> {
            assertTrue(summary.endsWith("."), () -> "summary of '" + cmd + "' is not a complete sentence: " + summary);
            assertTrue(
                    Character.isUpperCase(summary.charAt(0)),
                    () -> "summary of '" + cmd + "' starts lower-case: " + summary);
            assertFalse(summary.endsWith(",.") || summary.contains("  "), summary);
        });
    }

    // ------------------------------------------------------------------ -q

    @Test
    void quietDropsInformationButKeepsResultsErrorsAndJson() throws IOException {
        Path repo = repo("q");
        write(repo.resolve("a.txt"), "a\n");
        ForgeProcess.Result add = run(repo, "-q", "add", ".").ok();
        assertEquals("", add.stdout() + add.stderr(), add::describe);
        ForgeProcess.Result commit = run(repo, "commit", "-m", "one", "-q").ok();
        assertEquals("", commit.stdout() + commit.stderr(), commit::describe);
        assertEquals("", run(repo, "branch", "--quiet", "b3").ok().stdout());
        // what was asked for is still printed
        assertTrue(run(repo, "-q", "status").ok().stdout().contains("On branch main"));
        assertTrue(run(repo, "log", "-q").ok().stdout().contains("    one"));
        assertTrue(run(repo, "branch", "-q").ok().stdout().contains("* main"));
        // errors too, and JSON
        ForgeProcess.Result missing = run(repo, "-q", "add", "missing.bin")
                .expect(ExitCode.NOT_FOUND.code())
                .oneLineError();
        assertTrue(missing.stderr().contains("missing.bin"), missing::describe);
        write(repo.resolve("b.txt"), "b\n");
        JsonNode n = json(run(repo, "add", ".", "-q", "--json").ok());
        assertEquals(2, n.path("files").asInt(), n::toString);
    }

    // ------------------------------------------------------------------ terminals and NO_COLOR

    /**
     * Runs forge on a pseudo-terminal (util-linux {@code script}), CI unset; returns what the terminal
     * received. {@code shellTail} is appended to the command line, e.g. a redirection.
     */
    private static String onTerminal(Path dir, Map<String, String> env, String shellTail, String... args)
            throws IOException, InterruptedException {
        StringBuilder cmd = new StringBuilder(shellQuote(ForgeProcess.forge().toString()));
        for (String a : args) cmd.append(' ').append(shellQuote(a));
        cmd.append(shellTail);
        Path typescript = Files.createTempFile("forge-pty-", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder("script", "-qec", cmd.toString(), "/dev/null")
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(typescript.toFile())
                    .redirectErrorStream(true);
            pb.environment().remove("CI");
            pb.environment().remove("FORGE_NO_PROGRESS");
            pb.environment().remove("NO_COLOR");
            pb.environment().put("FORGE_AUTHOR", ForgeProcess.AUTHOR);
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                ForgeProcess.killTree(p);
                throw new AssertionError("script " + cmd + " did not finish");
            }
            String out = Files.readString(typescript, UTF_8);
            assertEquals(0, p.exitValue(), () -> "script " + cmd + " exited " + p.exitValue() + ":\n" + out);
            return out;
        } finally {
            Files.deleteIfExists(typescript);
        }
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static boolean haveScript() {
        try {
            Process p =
                    new ProcessBuilder("script", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static final String ESC = "\u001b[";

    @Test
    void progressBarHonoursNoColorQuietAndANonTerminalStderr() throws Exception {
        assumeTrue(haveScript(), "util-linux 'script' is needed to give forge a terminal");
        Path repo = repo("tty");
        Path err = tmp.resolve("stderr.txt");

        // On a terminal: a bar, in colour (the control that the runs below can see a bar at all).
        random(repo.resolve("plate1.bin"), 3 << 20, 1);
        String coloured = onTerminal(repo, Map.of(), "", "add", ".");
        assertTrue(coloured.contains("Adding") && coloured.contains(ESC + "33m"), coloured);

        // NO_COLOR: the bar, without a single escape sequence.
        random(repo.resolve("plate2.bin"), 3 << 20, 2);
        String plain = onTerminal(repo, Map.of("NO_COLOR", "1"), "", "add", ".");
        assertTrue(plain.contains("Adding") && plain.contains("Added "), plain);
        assertFalse(plain.contains("\u001b"), plain);

        // -q: no bar at all, no message.
        random(repo.resolve("plate3.bin"), 3 << 20, 3);
        String quiet = onTerminal(repo, Map.of(), "", "add", ".", "-q");
        assertEquals("", quiet, quiet);

        // stderr into a file while stdout is the terminal: nothing in the file, no bar on the terminal.
        random(repo.resolve("plate4.bin"), 3 << 20, 4);
        String toFile = onTerminal(repo, Map.of(), " 2>" + shellQuote(err.toString()), "add", ".");
        assertEquals("", Files.readString(err), "stderr is a file: no progress bar may go there");
        assertFalse(toFile.contains("Adding") || toFile.contains("\u001b"), toFile);
        assertTrue(toFile.contains("Added 4 files"), toFile);
    }

    // ------------------------------------------------------------------ completion

    @Test
    void completionScriptsForBashAndZsh() throws Exception {
        ForgeProcess.Result bash = run(tmp, "completion", "bash").ok();
        String script = bash.stdout();
        for (String word : new String[] {"status", "checkout", "remote", "sparse", "completion", "--json", "--jobs"})
            assertTrue(script.contains(word), () -> "the script does not mention " + word);
        assertTrue(script.contains("complete -F"), "registers a completion function");
        ForgeProcess.Result zsh = run(tmp, "completion", "zsh").ok();
        assertTrue(zsh.stdout().contains("bashcompinit"), "zsh loads bash completion to run it");
        assertTrue(zsh.stdout().contains("remote"), zsh::describe);
        run(tmp, "completion", "fish").expect(ExitCode.USAGE.code()).oneLineError();

        Path bashBin = Path.of("/bin/bash");
        assumeTrue(Files.isExecutable(bashBin), "bash is not installed");
        Path file = tmp.resolve("forge.bash");
        Files.writeString(file, script);
        Process check = new ProcessBuilder(bashBin.toString(), "-n", file.toString())
                .redirectErrorStream(true)
                .start();
        String checkOut = new String(check.getInputStream().readAllBytes(), UTF_8);
        assertTrue(check.waitFor(1, TimeUnit.MINUTES));
        assertEquals(0, check.exitValue(), "bash -n: " + checkOut);
        // And it completes: "forge st<TAB>" offers status and stats, "forge remote <TAB>" the subcommands.
        String probe = "source " + shellQuote(file.toString()) + " 2>/dev/null\n"
                + "COMP_WORDS=(forge st); COMP_CWORD=1; _complete_forge 2>/dev/null; echo \"${COMPREPLY[*]}\"\n"
                + "COMP_WORDS=(forge remote ''); COMP_CWORD=2; _complete_forge 2>/dev/null; echo \"${COMPREPLY[*]}\"\n";
        Process p = new ProcessBuilder(bashBin.toString(), "-c", probe).start();
        List<String> lines =
                new String(p.getInputStream().readAllBytes(), UTF_8).lines().toList();
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        assertEquals(2, lines.size(), lines::toString);
        assertEquals(
                List.of("stats", "status"),
                List.of(lines.get(0).split(" ")).stream().sorted().toList());
        assertTrue(List.of(lines.get(1).split(" ")).containsAll(List.of("add", "remove", "list")), lines::toString);
    }

    // ------------------------------------------------------------------ --json everywhere, errors in JSON

    @Test
    void everyCommandThatReportsTakesJson() throws IOException {
        Path repo = repo("j");
        write(repo.resolve("dir/a.txt"), "a\n");
        write(repo.resolve("b.txt"), "b\n");
        run(repo, "add", ".").ok();
        run(repo, "commit", "-m", "one").ok();
        run(repo, "tag", "v1").ok();

        JsonNode tag = json(run(repo, "tag", "-d", "v1", "--json").ok());
        assertEquals("v1", tag.path("deleted").asText(), tag::toString);
        assertEquals(64, tag.path("commit").asText().length(), tag::toString);

        JsonNode mv = json(run(repo, "mv", "dir", "moved", "--json").ok());
        assertEquals("moved/a.txt", mv.path("moved").path(0).asText(), mv::toString);

        JsonNode rm = json(run(repo, "rm", "--cached", "b.txt", "--json").ok());
        assertEquals("b.txt", rm.path("removed").path(0).asText(), rm::toString);
        assertTrue(rm.path("cached").asBoolean(), rm::toString);
        assertTrue(Files.exists(repo.resolve("b.txt")));

        // resolve: a binary file changed on both sides
        random(repo.resolve("p.bin"), 5000, 1);
        run(repo, "add", ".").ok();
        run(repo, "commit", "-m", "base").ok();
        run(repo, "switch", "-c", "other").ok();
        random(repo.resolve("p.bin"), 5000, 2);
        run(repo, "add", ".").ok();
        run(repo, "commit", "-m", "theirs").ok();
        run(repo, "switch", "main").ok();
        random(repo.resolve("p.bin"), 5000, 3);
        run(repo, "add", ".").ok();
        run(repo, "commit", "-m", "ours").ok();
        run(repo, "merge", "other").expect(ExitCode.CONFLICT.code());
        JsonNode resolved =
                json(run(repo, "resolve", "p.bin", "--theirs", "--json").ok());
        assertEquals("p.bin", resolved.path("resolved").path(0).asText(), resolved::toString);
        assertEquals("theirs", resolved.path("side").asText(), resolved::toString);
        assertEquals(0, resolved.path("conflictsLeft").asInt(-1), resolved::toString);
    }

    @Test
    void errorsUnderJsonAreOneJsonLineOnStderrWithTheSameExitCode() throws IOException {
        Path nowhere = Files.createDirectories(tmp.resolve("not-a-repo"));
        ForgeProcess.Result r = run(nowhere, "status", "--json").expect(ExitCode.NOT_A_REPOSITORY.code());
        assertEquals("", r.stdout(), r::describe);
        List<String> lines = r.stderr().strip().lines().toList();
        assertEquals(1, lines.size(), r::describe);
        JsonNode e = E2eFiles.JSON.readTree(lines.get(0));
        assertEquals(ExitCode.NOT_A_REPOSITORY.code(), e.path("exitCode").asInt(), e::toString);
        assertTrue(e.path("error").asText().contains("not a forge repository"), e::toString);

        // a usage error is reported the same way
        Path repo = repo("u");
        ForgeProcess.Result usage = run(repo, "log", "-n", "lots", "--json").expect(ExitCode.USAGE.code());
        List<String> ul = usage.stderr().strip().lines().toList();
        assertEquals(1, ul.size(), usage::describe);
        JsonNode ue = E2eFiles.JSON.readTree(ul.get(0));
        assertEquals(ExitCode.USAGE.code(), ue.path("exitCode").asInt(), ue::toString);
        assertTrue(ue.path("error").asText().contains("lots"), ue::toString);

        // and without --json, the text line is unchanged
        run(nowhere, "status").expect(ExitCode.NOT_A_REPOSITORY.code()).oneLineError();
    }

    // ------------------------------------------------------------------ options that must not swallow arguments

    @Test
    void cloneSparseTakesOnePathPerOptionNotTheUrl() throws IOException {
        Path origin = repo("origin");
        write(origin.resolve("audio/mix.wav"), "mix\n");
        write(origin.resolve("shots/010.exr"), "plate\n");
        write(origin.resolve("docs/notes.txt"), "notes\n");
        run(origin, "add", ".").ok();
        run(origin, "commit", "-m", "one").ok();
        Path remote = tmp.resolve("remote");
        run(origin, "remote", "add", "origin", remote.toString()).ok();
        run(origin, "push").ok();

        run(tmp, "clone", "--sparse=audio", remote.toString(), "c1").ok();
        Path c1 = tmp.resolve("c1");
        JsonNode l1 = json(run(c1, "sparse", "list", "--json").ok());
        assertEquals(List.of("audio"), strings(l1.path("paths")), l1::toString);
        assertEquals("mix\n", Files.readString(c1.resolve("audio/mix.wav")));
        assertFalse(Files.exists(c1.resolve("shots")));

        run(tmp, "clone", "--sparse", "audio,shots", remote.toString(), "c2", "--sparse", "docs")
                .ok();
        Path c2 = tmp.resolve("c2");
        JsonNode l2 = json(run(c2, "sparse", "list", "--json").ok());
        assertEquals(
                List.of("audio", "docs", "shots"),
                strings(l2.path("paths")).stream().sorted().toList(),
                l2::toString);
        assertEquals("plate\n", Files.readString(c2.resolve("shots/010.exr")));
        assertEquals("notes\n", Files.readString(c2.resolve("docs/notes.txt")));
    }

    @Test
    void pushRefusesARemoteBranchNameThatIsNotABranchName() throws IOException {
        Path repo = repo("p");
        write(repo.resolve("a.txt"), "a\n");
        run(repo, "add", ".").ok();
        run(repo, "commit", "-m", "one").ok();
        run(repo, "remote", "add", "origin", tmp.resolve("remote").toString()).ok();
        ForgeProcess.Result r = run(repo, "push", "origin", "main:../escape")
                .expect(ExitCode.USAGE.code())
                .oneLineError();
        assertTrue(r.stderr().contains("../escape"), r::describe);
        assertFalse(Files.exists(tmp.resolve("remote")), "nothing was written to the remote");
        JsonNode ok =
                json(run(repo, "push", "origin", "main:review/ana", "--json").ok());
        assertEquals("review/ana", ok.path("remoteBranch").asText(), ok::toString);
    }

    // ------------------------------------------------------------------ settings and identity

    @Test
    void configGetsSetsUnsetsAndListsKnownKeysOnly() throws IOException {
        Path repo = repo("cfg");
        assertEquals("auto\n", run(repo, "config", "compression").ok().stdout());
        assertEquals("", run(repo, "config", "compression", "max").ok().stdout());
        assertEquals("max\n", run(repo, "config", "compression").ok().stdout());
        run(repo, "config", "user.email", "ana@studio.example").ok();
        assertEquals(
                List.of(
                        "compression=max",
                        "gc.graceDays=14",
                        "user.email=ana@studio.example",
                        "remote.timeout=30",
                        "remote.maxWait=120",
                        "lock.readOnly=false",
                        "lock.mainline=main"),
                run(repo, "config", "--list").ok().stdout().lines().toList());
        JsonNode all = json(run(repo, "config", "--list", "--json").ok());
        assertEquals("max", all.path("compression").asText(), all::toString);
        assertEquals("14", all.path("gc.graceDays").asText(), all::toString);
        assertTrue(all.path("user.name").isMissingNode(), all::toString);
        JsonNode one = json(run(repo, "config", "gc.graceDays", "--json").ok());
        assertEquals("gc.graceDays", one.path("key").asText(), one::toString);
        assertEquals("14", one.path("value").asText(), one::toString);
        JsonNode unset =
                json(run(repo, "config", "--unset", "compression", "--json").ok());
        assertEquals("auto", unset.path("value").asText(), "unset goes back to the default: " + unset);

        // a key without a value: exit 1, in text and in JSON
        ForgeProcess.Result notSet = run(repo, "config", "user.name").expect(1).oneLineError();
        assertTrue(notSet.stderr().contains("user.name is not set"), notSet::describe);
        ForgeProcess.Result notSetJson =
                run(repo, "config", "user.name", "--json").expect(1);
        assertEquals(
                1, E2eFiles.JSON.readTree(notSetJson.stderr()).path("exitCode").asInt());

        // unknown and reserved keys, bad values and bad usage: exit 2, naming the known keys
        for (String[] args : new String[][] {{"config", "colour", "red"}, {"config", "remote.origin.url", "x"}}) {
            ForgeProcess.Result r =
                    run(repo, args).expect(ExitCode.USAGE.code()).oneLineError();
            assertTrue(r.stderr().contains("compression, gc.graceDays, user.name, user.email"), r::describe);
        }
        // store.maxSize (reserved until this version) takes a size, and refuses anything else
        run(repo, "config", "store.maxSize", "10G").ok();
        assertEquals(
                Long.toString(10L << 30),
                run(repo, "config", "store.maxSize").ok().stdout().strip());
        run(repo, "config", "store.maxSize", "lots")
                .expect(ExitCode.USAGE.code())
                .oneLineError();
        run(repo, "config", "--unset", "store.maxSize").ok();
        run(repo, "config", "gc.graceDays", "soon")
                .expect(ExitCode.USAGE.code())
                .oneLineError();
        run(repo, "config").expect(ExitCode.USAGE.code()).oneLineError();
        run(repo, "config", "--list", "compression")
                .expect(ExitCode.USAGE.code())
                .oneLineError();
        assertEquals("14\n", run(repo, "config", "gc.graceDays").ok().stdout(), "refused values change nothing");
    }

    @Test
    void commitAuthorIsForgeAuthorElseUserNameAndEmail() throws IOException {
        Path repo = repo("who");
        Map<String, String> noAuthor = Map.of("FORGE_AUTHOR", "");
        run(repo, "config", "user.name", "Ana Lima").ok();
        run(repo, "config", "user.email", "ana@studio.example").ok();
        write(repo.resolve("a.txt"), "a\n");
        run(repo, "add", ".").ok();
        forge(repo, noAuthor, "commit", "-m", "by config").ok();
        write(repo.resolve("a.txt"), "b\n");
        run(repo, "add", ".").ok();
        forge(repo, Map.of("FORGE_AUTHOR", "Render Bot <bot@farm>"), "commit", "-m", "by env")
                .ok();
        run(repo, "config", "--unset", "user.name").ok();
        write(repo.resolve("a.txt"), "c\n");
        run(repo, "add", ".").ok();
        forge(repo, noAuthor, "commit", "-m", "by login").ok();
        JsonNode log = json(run(repo, "log", "--json").ok());
        assertEquals("by login", log.path(0).path("message").asText());
        assertTrue(log.path(0).path("author").asText().endsWith(" <ana@studio.example>"), log::toString);
        assertFalse(log.path(0).path("author").asText().startsWith("Ana Lima"), log::toString);
        assertEquals("Render Bot <bot@farm>", log.path(1).path("author").asText(), log::toString);
        assertEquals("Ana Lima <ana@studio.example>", log.path(2).path("author").asText(), log::toString);
    }

    private static ForgeProcess.Result forge(Path dir, Map<String, String> env, String... args) {
        return ForgeProcess.run(dir, ForgeProcess.DEFAULT_TIMEOUT, List.of(args), env);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
