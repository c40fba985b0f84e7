package dev.forge.mirror.video;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Output files of {@code forge video}: written to a temporary sibling, fsynced, then renamed into place. */
public final class VideoFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private VideoFiles() {}

    /** A temporary sibling of {@code target} with the same extension (ffmpeg picks the container from it). */
    public static Path tempSibling(Path target) {
        byte[] r = new byte[6];
        RANDOM.nextBytes(r);
        String name = target.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot > 0 ? name.substring(dot) : "";
        return target.toAbsolutePath()
                .resolveSibling(".forge-video-" + HexFormat.of().formatHex(r) + ext);
    }

    /** Writes {@code bytes} to {@code target} whole or not at all. */
    public static void write(Path target, byte[] bytes) throws IOException {
        Path tmp = tempSibling(target);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            publish(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Fsyncs {@code tmp}, renames it to {@code target} and fsyncs the folder. */
    public static void publish(Path tmp, Path target) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Path dir = target.toAbsolutePath().getParent();
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some file systems cannot fsync a folder; the rename itself is atomic
        }
    }
}
