package dev.forge.mirror.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The modes of what a folder store creates: the umask's, whatever the mode of a file put from disk
 * (packs are staged 0600); and in a folder shared with a group (group-writable or setgid), group read
 * and write on top, with the setgid bit kept on the folders. The process's umask is measured, not
 * assumed: a file made with default attributes shows it. RemoteSafetyIT runs forge under umask 022
 * and 002.
 */
class FileBlobStoreModesTest {
    @TempDir
    Path tmp;

    static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode") & 07777;
    }

    /** The modes this process gives new files and folders: {@code 0666 & ~umask}, {@code 0777 & ~umask}. */
    int[] umaskModes() throws IOException {
        Path f = Files.createFile(tmp.resolve("probe-file"));
        Path d = Files.createDirectory(tmp.resolve("probe-dir"));
        return new int[] {mode(f), mode(d)};
    }

    static List<Path> everything(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root)).toList();
        }
    }

    static String octal(int m) {
        return String.format(Locale.ROOT, "%04o", m);
    }

    void putSome(FileBlobStore s) throws IOException {
        Path staged = Files.write(tmp.resolve("staged.pack"), new byte[100_000]);
        Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rw-------"));
        s.put("packs/a.pack", staged);
        s.put("packs/a.idx", new byte[10]);
        s.putIfAbsent("config", new byte[5]);
        s.putIfAbsent("refs/heads/main", new byte[3]);
        String token = s.get("refs/heads/main").orElseThrow().token();
        assertTrue(s.replaceIfUnchanged("refs/heads/main", new byte[4], token));
    }

    @Test
    void newFilesAndFoldersTakeTheUmaskNotTheStagedFilesMode() throws Exception {
        int[] expected = umaskModes();
        Path root = tmp.resolve("remote");
        putSome(new FileBlobStore(root));
        for (Path p : everything(root)) {
            int want = Files.isDirectory(p) ? expected[1] : expected[0];
            assertEquals(octal(want), octal(mode(p)), p.toString());
        }
    }

    @Test
    void aFolderSharedWithTheGroupGetsGroupReadAndWriteAndKeepsSetgid() throws Exception {
        int[] umask = umaskModes();
        Path root = Files.createDirectory(tmp.resolve("shared"));
        Files.setAttribute(root, "unix:mode", 02770);
        putSome(new FileBlobStore(root));
        List<Path> all = everything(root);
        assertTrue(all.stream().anyMatch(p -> p.getFileName().toString().endsWith(".lock")), all.toString());
        for (Path p : all) {
            if (Files.isDirectory(p)) {
                assertEquals(octal(umask[1] | 02070), octal(mode(p)), p.toString());
            } else {
                assertEquals(octal(umask[0] | 0060), octal(mode(p)), p.toString());
            }
        }
    }
}
