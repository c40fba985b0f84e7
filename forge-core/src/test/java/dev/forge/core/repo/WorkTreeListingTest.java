package dev.forge.core.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.io.FileNames;
import dev.forge.core.io.LinuxDirs;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Linux listing ({@link LinuxDirs}: getdents64 + statx) against the NIO one it replaces: the same
 * files with the same stat fields, and the same skipped paths with the same reasons, on a tree with
 * every case a scan tells apart.
 */
class WorkTreeListingTest {
    @TempDir
    Path root;

    @Test
    void bindsOnLinux() {
        Assumptions.assumeTrue(System.getProperty("os.name").equals("Linux"), "not Linux");
        assertNotNull(LinuxDirs.get(), "the native listing did not bind on Linux");
    }

    @Test
    void nativeListingFindsWhatNioFinds() throws Exception {
        Assumptions.assumeTrue(LinuxDirs.get() != null, "no native listing on this platform");
        // nested folders, empty folders, many entries (more than one getdents64 buffer in one folder)
        for (int d = 0; d < 5; d++) {
            for (int i = 0; i < 40; i++) {
                Path p = root.resolve("seq_" + d + "/sub" + (i % 4) + "/deeper/f" + i + ".bin");
                Files.createDirectories(p.getParent());
                Files.write(p, new byte[i * 7]);
            }
        }
        Files.createDirectories(root.resolve("big"));
        for (int i = 0; i < 2500; i++)
            Files.writeString(root.resolve("big/a-rather-long-frame-name." + i + ".exr"), "");
        Files.createDirectories(root.resolve("empty/also-empty"));
        // kinds: executable, symlinks (to a file, to a folder, dangling), a fifo (not tracked)
        Path x = Files.writeString(root.resolve("run.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(x, PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(root.resolve("link"), Path.of("run.sh"));
        Files.createSymbolicLink(root.resolve("dirlink"), Path.of("seq_0"));
        Files.createSymbolicLink(root.resolve("seq_1/dangling"), Path.of("nowhere"));
        new ProcessBuilder("mkfifo", root.resolve("fifo").toString()).start().waitFor();
        // times: whole seconds, nanoseconds, before 1970
        Files.setLastModifiedTime(root.resolve("seq_0/sub0/deeper/f0.bin"), FileTime.fromMillis(1_704_067_200_000L));
        Files.setLastModifiedTime(
                root.resolve("seq_0/sub1/deeper/f1.bin"),
                FileTime.from(java.time.Instant.ofEpochSecond(12, 345_678_901)));
        Files.setLastModifiedTime(root.resolve("seq_0/sub2/deeper/f2.bin"), FileTime.fromMillis(-86_400_123L));
        // ignore rules, .forge/.git at depth, names that are not UTF-8, a name that is
        Files.writeString(root.resolve(".forgeignore"), "*.tmp\nbuild/\n!keep.tmp\n");
        Files.writeString(root.resolve("seq_2/x.tmp"), "ignored");
        Files.writeString(root.resolve("seq_2/keep.tmp"), "kept");
        Files.createDirectories(root.resolve("seq_3/build/out"));
        Files.writeString(root.resolve("seq_3/build/out/o.bin"), "ignored folder");
        Files.writeString(root.resolve("seq_3/build.txt"), "kept");
        Files.createDirectories(root.resolve(".forge/tmp"));
        Files.writeString(root.resolve(".forge/tmp/x"), "never");
        Files.createDirectories(root.resolve("seq_4/.git"));
        Files.writeString(root.resolve("seq_4/.git/HEAD"), "never");
        if (FileNames.UTF8_NAMES) {
            WorkTreeTest.createRaw(root, "x\\377", "\\303\\251.wav");
            WorkTreeTest.createRaw(root.resolve("seq_1"), "y\\376\\375");
        }
        // an unreadable folder and file (root reads them anyway; then both listings still agree)
        Path locked = Files.createDirectories(root.resolve("locked"));
        Files.writeString(locked.resolve("secret.wav"), "s");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        Path noX = Files.createDirectories(root.resolve("no-search"));
        Files.writeString(noX.resolve("inside.wav"), "s");
        Files.setPosixFilePermissions(noX, PosixFilePermissions.fromString("r--r--r--"));
        try {
            WorkTree wt = new WorkTree(root);
            WorkTree.Scan nio = wt.scanUnsorted("", false);
            long before = WorkTree.NATIVE_DIRS.sum();
            WorkTree.Scan nat = wt.scanUnsorted("", true);
            // every folder but the ignored ones: root, big, empty, empty/also-empty, locked, no-search,
            // seq_0..4 with sub0..3 and deeper each, seq_3/build is ignored
            assertEquals(6 + 5 * 9, WorkTree.NATIVE_DIRS.sum() - before);
            assertEquals(describe(nio), describe(nat));
            assertEquals(nio.skipped(), nat.skipped());
            assertTrue(describe(nio).containsKey("big/a-rather-long-frame-name.2499.exr"));
            assertTrue(describe(nio).containsKey("seq_2/keep.tmp"));
            if (FileNames.UTF8_NAMES) {
                assertTrue(describe(nat).containsKey("é.wav"));
                assertTrue(
                        nat.skipped().stream().anyMatch(s -> s.display().equals("\"seq_1/y\\376\\375\"")),
                        nat.skipped().toString());
            }
            // stat fields against the JDK's own
            Path f = root.resolve("seq_0/sub1/deeper/f1.bin");
            WorkFile w = nat.files().stream()
                    .filter(e -> e.path().equals("seq_0/sub1/deeper/f1.bin"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(12_345_678_901L, w.mtimeNanos());
            assertEquals((Long) Files.getAttribute(f, "unix:ino", LinkOption.NOFOLLOW_LINKS), w.inode());
            assertEquals(f, w.file());
            // a sub-folder scan, and a scan of a single file
            assertEquals(describe(wt.scanUnsorted("seq_3", false)), describe(wt.scanUnsorted("seq_3", true)));
            assertEquals(describe(wt.scanUnsorted("run.sh", false)), describe(wt.scanUnsorted("run.sh", true)));
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(noX, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void unreadableFoldersAreSkippedAlikeWhenNotRoot() throws Exception {
        Assumptions.assumeTrue(LinuxDirs.get() != null, "no native listing on this platform");
        Path locked = Files.createDirectories(root.resolve("a/locked"));
        Files.writeString(locked.resolve("secret.wav"), "s");
        Path noX = Files.createDirectories(root.resolve("a/no-search"));
        Files.writeString(noX.resolve("inside.wav"), "s");
        Files.writeString(root.resolve("a/ok.wav"), "ok");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(noX, PosixFilePermissions.fromString("r--r--r--"));
        try {
            Assumptions.assumeFalse(Files.isReadable(locked), "running as root: permissions are not enforced");
            WorkTree wt = new WorkTree(root);
            WorkTree.Scan nio = wt.scanUnsorted("", false);
            WorkTree.Scan nat = wt.scanUnsorted("", true);
            assertEquals(describe(nio), describe(nat));
            assertEquals(nio.skipped(), nat.skipped());
            assertEquals(
                    List.of("a/locked (permission denied)", "a/no-search/inside.wav (permission denied)"),
                    nat.skipped().stream().map(SkippedPath::listed).toList());
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(noX, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** Each file as path to "kind size mtime inode". */
    private static TreeMap<String, String> describe(WorkTree.Scan s) {
        TreeMap<String, String> m = new TreeMap<>();
        for (WorkFile f : s.files()) {
            String prev = m.put(f.path(), f.kind() + " " + f.size() + " " + f.mtimeNanos() + " " + f.inode());
            assertEquals(null, prev, "twice: " + f.path());
        }
        return m;
    }
}
