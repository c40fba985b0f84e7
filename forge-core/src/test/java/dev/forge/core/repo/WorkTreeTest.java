package dev.forge.core.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.forge.core.model.FileKind;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkTreeTest {
    @TempDir
    Path root;

    @Test
    void statReadsKindSizeMtimeAndTheRealInode() throws Exception {
        Path f = Files.writeString(root.resolve("a.txt"), "hello");
        Path x = Files.writeString(root.resolve("run.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(x, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(root.resolve("link"), Path.of("a.txt"));
        Files.createDirectories(root.resolve("dir"));

        WorkFile a = WorkTree.stat("a.txt", f);
        assertEquals(FileKind.FILE, a.kind());
        assertEquals(5, a.size());
        assertEquals(Files.getLastModifiedTime(f).to(java.util.concurrent.TimeUnit.NANOSECONDS), a.mtimeNanos());
        assertEquals((Long) Files.getAttribute(f, "unix:ino", LinkOption.NOFOLLOW_LINKS), a.inode());
        assertEquals(FileKind.EXECUTABLE, WorkTree.stat("run.sh", x).kind());
        WorkFile l = WorkTree.stat("link", root.resolve("link"));
        assertEquals(FileKind.SYMLINK, l.kind());
        assertEquals((Long) Files.getAttribute(root.resolve("link"), "unix:ino", LinkOption.NOFOLLOW_LINKS), l.inode());
        assertNull(WorkTree.stat("dir", root.resolve("dir")));
        assertNull(WorkTree.stat("missing", root.resolve("missing")));
    }

    @Test
    void parallelScanFindsEveryFileOnceAndSkipsForgeAndIgnoredFiles() throws Exception {
        Map<String, Integer> expected = new TreeMap<>();
        for (int d = 0; d < 12; d++) {
            for (int i = 0; i < 30; i++) {
                String p = "seq_" + d + "/sub" + (i % 3) + "/f" + i + ".bin";
                Files.createDirectories(root.resolve(p).getParent());
                Files.write(root.resolve(p), new byte[i]);
                expected.put(p, i);
            }
        }
        Files.createDirectories(root.resolve(".forge/packs"));
        Files.writeString(root.resolve(".forge/packs/x"), "not part of the work tree");
        // A user's file may have any name, this one included: checkout's temporary files live in .forge.
        Files.writeString(root.resolve("seq_0/.forge-tmp-123.part"), "the user's own");
        expected.put("seq_0/.forge-tmp-123.part", 14);
        Files.createDirectories(root.resolve("cache"));
        Files.writeString(root.resolve("cache/big.tmp"), "ignored");
        Files.writeString(root.resolve(".forgeignore"), "cache/\n");
        expected.put(".forgeignore", 7);

        List<WorkFile> found = new WorkTree(root).scanUnsorted("").files();
        Map<String, Integer> got = new TreeMap<>();
        for (WorkFile f : found) assertNull(got.put(f.path(), (int) f.size()), "twice: " + f.path());
        assertEquals(expected, got);
        assertEquals(found.size(), new WorkTree(root).scan("").files().size());
    }

    @Test
    void scanSkipsGitAndForgeFoldersAtAnyDepthAndRefusesToScanInsideThem() throws Exception {
        for (String p : List.of(
                ".git/HEAD", ".git/objects/ab/cd", "vendor/lib/.git/config", "sub/.forge/packs/p", "sub/.git")) {
            Files.createDirectories(root.resolve(p).getParent());
            Files.writeString(root.resolve(p), "never scanned");
        }
        Files.writeString(root.resolve(".gitignore"), "kept");
        Files.writeString(root.resolve("vendor/lib/a.c"), "kept");
        Files.writeString(root.resolve(".forgeignore"), "!.git/\n!**/.git/**\n");

        WorkTree wt = new WorkTree(root);
        List<String> paths = wt.scan("").files().stream().map(WorkFile::path).toList();
        assertEquals(List.of(".forgeignore", ".gitignore", "vendor/lib/a.c"), paths);
        assertEquals(
                List.of("vendor/lib/a.c"),
                wt.scan("vendor").files().stream().map(WorkFile::path).toList());
        for (String inside : List.of(".git", ".git/HEAD", "vendor/lib/.git", "sub/.git")) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.forge.core.error.InvalidInputException.class, () -> wt.scan(inside));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("'" + inside + "'"), e.getMessage());
        }
    }

    /** Creates files with raw byte names through sh's printf (Java cannot name them). */
    static void createRaw(Path dir, String... octalNames) throws Exception {
        StringBuilder script = new StringBuilder();
        for (String n : octalNames)
            script.append("printf x > \"$(printf '").append(n).append("')\"\n");
        Process p = new ProcessBuilder("/bin/sh", "-c", script.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    @Test
    void namesThatAreNotValidUtf8AreSkippedAndListedNeverMerged() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                dev.forge.core.io.FileNames.UTF8_NAMES, "the test JVM does not read file names as UTF-8");
        Files.createDirectories(root.resolve("d"));
        createRaw(root, "x\\377", "x\\376", "\\303\\251.wav", "d/y\\377");
        WorkTree.Scan s = new WorkTree(root).scan("");
        assertEquals(List.of("é.wav"), s.files().stream().map(WorkFile::path).toList());
        assertEquals(
                List.of("\"d/y\\377\"", "\"x\\376\"", "\"x\\377\""),
                s.skipped().stream().map(SkippedPath::display).toList());
        for (SkippedPath p : s.skipped()) assertEquals("the name is not valid UTF-8: rename it", p.reason());
    }

    @Test
    void pathsThroughASymlinkAreNotWorkTreePathsAndAreRefusedAsArguments() throws Exception {
        Path outside = Files.createTempDirectory("forge-outside-");
        try {
            Files.writeString(outside.resolve("v.txt"), "outside");
            Files.createSymbolicLink(root.resolve("link"), outside);
            Files.createDirectories(root.resolve("real"));
            Files.writeString(root.resolve("real/w.txt"), "inside");
            WorkTree wt = new WorkTree(root);
            assertNull(wt.stat("link/v.txt"));
            assertEquals(FileKind.SYMLINK, wt.stat("link").kind());
            assertEquals(FileKind.FILE, wt.stat("real/w.txt").kind());
            var e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.forge.core.error.InvalidInputException.class, () -> wt.relativize(root, "link/v.txt"));
            org.junit.jupiter.api.Assertions.assertTrue(
                    e.getMessage().contains("symbolic link 'link'"), e.getMessage());
            assertEquals("link", wt.relativize(root, "link/"));
            assertEquals(
                    List.of("link", "real/w.txt"),
                    wt.scan("").files().stream().map(WorkFile::path).toList());
        } finally {
            Files.deleteIfExists(outside.resolve("v.txt"));
            Files.deleteIfExists(outside);
        }
    }
}
