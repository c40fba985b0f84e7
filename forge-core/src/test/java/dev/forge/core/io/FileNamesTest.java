package dev.forge.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileNamesTest {
    @TempDir
    Path dir;

    /** Creates files with raw byte names through sh's printf (Java cannot name them). */
    static void createRaw(Path dir, String... octalNames) throws IOException, InterruptedException {
        StringBuilder script = new StringBuilder();
        for (String n : octalNames)
            script.append("printf x > \"$(printf '").append(n).append("')\"\n");
        Process p = new ProcessBuilder("/bin/sh", "-c", script.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    private List<Path> list() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(out::add);
        }
        out.sort(null);
        return out;
    }

    @Test
    void namesThatAreNotValidUtf8HaveNoStringAndTheirBytesAreRecovered() throws Exception {
        assumeTrue(FileNames.UTF8_NAMES, "the test JVM does not read file names as UTF-8");
        createRaw(dir, "x\\377", "x\\376", "ok\\303\\251");
        List<Path> all = list();
        assertEquals(3, all.size());
        // Path order is byte order: "ok\303\251" < "x\376" < "x\377"
        assertEquals("oké", FileNames.name(all.get(0)));
        assertNull(FileNames.name(all.get(1)));
        assertNull(FileNames.name(all.get(2)));
        // Both decode to the same String: that is what must never reach a tree.
        assertEquals(
                all.get(1).getFileName().toString(), all.get(2).getFileName().toString());
        assertArrayEquals(new byte[] {'x', (byte) 0xfe}, FileNames.rawName(all.get(1)));
        assertArrayEquals(new byte[] {'x', (byte) 0xff}, FileNames.rawName(all.get(2)));
        assertArrayEquals("oké".getBytes(StandardCharsets.UTF_8), FileNames.rawName(all.get(0)));
    }

    @Test
    void aNameHoldingTheReplacementCharacterItselfIsKept() throws Exception {
        assumeTrue(FileNames.UTF8_NAMES, "the test JVM does not read file names as UTF-8");
        createRaw(dir, "r\\357\\277\\275.txt");
        Files.writeString(dir.resolve("a%20b c"), "x");
        List<Path> all = list();
        assertEquals("a%20b c", FileNames.name(all.get(0)));
        assertEquals("r\ufffd.txt", FileNames.name(all.get(1)));
        assertArrayEquals("a%20b c".getBytes(StandardCharsets.UTF_8), FileNames.rawName(all.get(0)));
    }
}
