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
    void parallelScanFindsEveryFileOnceAndSkipsForgeIgnoredAndTemporaryFiles() throws Exception {
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
        Files.writeString(root.resolve("seq_0/.forge-tmp-123.part"), "half a checkout");
        Files.createDirectories(root.resolve("cache"));
        Files.writeString(root.resolve("cache/big.tmp"), "ignored");
        Files.writeString(root.resolve(".forgeignore"), "cache/\n");
        expected.put(".forgeignore", 7);

        List<WorkFile> found = new WorkTree(root).scanUnsorted("");
        Map<String, Integer> got = new TreeMap<>();
        for (WorkFile f : found) assertNull(got.put(f.path(), (int) f.size()), "twice: " + f.path());
        assertEquals(expected, got);
        assertEquals(found.size(), new WorkTree(root).scan("").size());
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
        List<String> paths = wt.scan("").stream().map(WorkFile::path).toList();
        assertEquals(List.of(".forgeignore", ".gitignore", "vendor/lib/a.c"), paths);
        assertEquals(
                List.of("vendor/lib/a.c"),
                wt.scan("vendor").stream().map(WorkFile::path).toList());
        for (String inside : List.of(".git", ".git/HEAD", "vendor/lib/.git", "sub/.git")) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.forge.core.error.InvalidInputException.class, () -> wt.scan(inside));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("'" + inside + "'"), e.getMessage());
        }
    }
}
