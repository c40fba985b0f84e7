package dev.forge.core.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempFilesTest {
    @TempDir
    Path root;

    @Test
    void temporaryFilesLiveInForgeTmpAndArePublishedWhole() throws Exception {
        Path forge = Files.createDirectories(root.resolve(".forge"));
        Path dest = Files.createDirectories(root.resolve("shots")).resolve("a.bin");
        TempFiles t = TempFiles.in(forge);
        Path tmp = t.create(dest.getParent());
        assertEquals(forge.resolve("tmp"), tmp.getParent());
        assertTrue(
                tmp.getFileName()
                        .toString()
                        .startsWith("wt-" + ProcessHandle.current().pid() + "-"),
                tmp::toString);
        Files.writeString(tmp, "whole");
        t.publish(tmp, dest);
        assertEquals("whole", Files.readString(dest));
        assertFalse(Files.exists(tmp));
        try (var s = Files.list(dest.getParent())) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void sweepRemovesWhatProcessesThatAreGoneLeftAndNothingElse() throws Exception {
        Path tmp = Files.createDirectories(root.resolve(".forge/tmp"));
        Path mine =
                Files.writeString(tmp.resolve("wt-" + ProcessHandle.current().pid() + "-1.part"), "running");
        Path gone = Files.writeString(tmp.resolve("wt-2147483646-2.part"), "killed");
        Path old = Files.writeString(tmp.resolve("wt-3.part"), "no pid");
        Path pack = Files.writeString(tmp.resolve("pack-4.part"), "the store's");
        TempFiles.sweep(root.resolve(".forge"));
        assertTrue(Files.exists(mine));
        assertFalse(Files.exists(gone));
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(pack));
    }
}
