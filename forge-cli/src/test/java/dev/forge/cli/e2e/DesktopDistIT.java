package dev.forge.cli.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One executable for every desktop: the jar inside dist/forge carries each native library for Linux
 * x86-64 and arm64, macOS x86-64 and Apple silicon and Windows x86-64, and dist/forge.cmd (the Windows
 * launcher) runs the same file with {@code java -jar}. Only Linux x86-64 can run here: the other
 * platforms' libraries are checked for presence, not loaded.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DesktopDistIT {
    /** Every entry name of the jar inside dist/forge (read past the shell header: the jar starts at its first local header). */
    private static Set<String> entries() throws IOException {
        byte[] all = Files.readAllBytes(ForgeProcess.forge());
        int start = -1;
        for (int i = 0; i + 3 < all.length; i++) {
            if (all[i] == 'P' && all[i + 1] == 'K' && all[i + 2] == 3 && all[i + 3] == 4) {
                start = i;
                break;
            }
        }
        assertTrue(start > 0, "no jar inside dist/forge");
        Set<String> names = new TreeSet<>();
        try (ZipInputStream z = new ZipInputStream(new java.io.ByteArrayInputStream(all, start, all.length - start))) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) names.add(e.getName());
        }
        return names;
    }

    @Test
    void everyDesktopPlatformsNativeLibrariesAreInTheJar() throws IOException {
        Set<String> names = entries();
        List<String> required = List.of(
                // RocksDB
                "librocksdbjni-linux64.so",
                "librocksdbjni-linux-aarch64.so",
                "librocksdbjni-osx-x86_64.jnilib",
                "librocksdbjni-osx-arm64.jnilib",
                "librocksdbjni-win64.dll",
                // lz4-java
                "net/jpountz/util/linux/amd64/liblz4-java.so",
                "net/jpountz/util/linux/aarch64/liblz4-java.so",
                "net/jpountz/util/darwin/x86_64/liblz4-java.dylib",
                "net/jpountz/util/darwin/aarch64/liblz4-java.dylib",
                "net/jpountz/util/windows/amd64/liblz4-java.dll",
                // jline (terminal size and raw mode for progress bars)
                "org/jline/nativ/Linux/x86_64/libjlinenative.so",
                "org/jline/nativ/Linux/arm64/libjlinenative.so",
                "org/jline/nativ/Mac/x86_64/libjlinenative.jnilib",
                "org/jline/nativ/Mac/arm64/libjlinenative.jnilib",
                "org/jline/nativ/Windows/x86_64/jlinenative.dll",
                // BLAKE3: the binding ships Linux x86-64 only; elsewhere the pure-Java hasher (same ids).
                "libblake3.so");
        List<String> missing = new ArrayList<>();
        for (String r : required) if (!names.contains(r)) missing.add(r);
        // zstd-jni names its libraries after its own version.
        for (String dir :
                List.of("linux/amd64/", "linux/aarch64/", "darwin/x86_64/", "darwin/aarch64/", "win/amd64/")) {
            if (names.stream().noneMatch(n -> n.startsWith(dir) && n.contains("zstd-jni")))
                missing.add(dir + "libzstd-jni-*");
        }
        assertTrue(missing.isEmpty(), () -> "missing from dist/forge: " + missing);
        // Nothing for platforms no desktop runs.
        List<String> extra = names.stream()
                .filter(
                        n -> n.matches(
                                ".*(ppc64|s390x|riscv64|loongarch64|mips64|freebsd|FreeBSD|aix/|musl).*\\.(so|dll|dylib|jnilib)"))
                .toList();
        assertEquals(List.of(), extra);
    }

    @Test
    void addReportsPathsThatDifferOnlyByCaseAndWindowsNamesButStoresBoth(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws IOException {
        ForgeProcess.run(tmp, "init").ok();
        Files.writeString(tmp.resolve("Shot.txt"), "upper");
        Files.writeString(tmp.resolve("shot.txt"), "lower");
        Files.writeString(tmp.resolve("aux.txt"), "aux");
        Files.writeString(tmp.resolve("fine.txt"), "fine");
        ForgeProcess.Result add = ForgeProcess.run(tmp, "add", ".").ok();
        assertTrue(
                add.stderr()
                        .contains(
                                "'Shot.txt' will not check out as it is everywhere: differs only by case from shot.txt"),
                add.stderr());
        assertTrue(add.stderr().contains("'aux.txt'") && add.stderr().contains("reserved device name"), add.stderr());
        assertTrue(!add.stderr().contains("fine.txt"), add.stderr());
        ForgeProcess.run(tmp, "commit", "-m", "names").ok();
        assertEquals(
                "upper", ForgeProcess.run(tmp, "show", "HEAD:Shot.txt").ok().stdout());
        assertEquals(
                "lower", ForgeProcess.run(tmp, "show", "HEAD:shot.txt").ok().stdout());
    }

    @Test
    void windowsLauncherRunsTheSameJarWithJavaDashJar() throws Exception {
        Path cmd = ForgeProcess.repoRoot().resolve("dist/forge.cmd");
        String text = Files.readString(cmd, UTF_8);
        assertTrue(
                text.contains("\r\n") && !text.replace("\r\n", "").contains("\n"),
                "forge.cmd must have CRLF line endings");
        Matcher m = Pattern.compile("\"%FORGE_JAVA%\" (.*) %FORGE_JAVA_OPTS% -jar \"%~dp0forge\" %\\*")
                .matcher(text);
        assertTrue(m.find(), text);
        // The same java invocation, here: the options forge.cmd passes and -jar on dist/forge itself.
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(m.group(1).split(" ")));
        command.addAll(List.of("-jar", ForgeProcess.forge().toString(), "version", "--json"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("\"blake3\""), out);
    }
}
