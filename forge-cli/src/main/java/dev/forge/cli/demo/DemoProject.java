package dev.forge.cli.demo;

import dev.forge.core.port.ProgressListener;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The demo's media project on disk: writes version 1 (PNG frames, a WAV, a glTF model, a large layered
 * binary, notes) and then applies version 2's edits the way the tools would. Every file's SHA-256 is
 * taken while it is written, into a {@link Manifest}, so that checkouts can be verified later without
 * keeping any file in memory. All content comes from fixed seeds: two runs write the same bytes.
 */
public final class DemoProject {
    public static final String FRAMES = "frames";
    public static final String AUDIO = "audio/dialogue.wav";
    public static final String MODEL = "models/prop.glb";
    public static final String LARGE = "project/comp_v001.psb";
    public static final String NOTES = "notes.txt";

    public static final int V1_FRAMES = 48;
    public static final int V2_NEW_FRAMES = 12;
    public static final int AUDIO_SECONDS = 20;
    /** The punch-in replaces one second of dialogue from 9.5 s on, in place. */
    public static final double PUNCH_IN_START = 9.5;

    public static final double PUNCH_IN_SECONDS = 1.0;
    /** The new layer inserted into the large binary, record included. */
    public static final int INSERTED_LAYER_BYTES = 64 << 10;

    private static final long SEED = 0x466F72676544656DL; // "ForgeDem"

    private final Path root;
    private final int sizeMib;
    private final Manifest manifest = new Manifest();

    /** What version 2 changed. */
    public record Edits(int newFrames, long punchInBytes, long insertedBytes, long insertOffset, Manifest manifest) {}

    public DemoProject(Path root, int sizeMib) {
        if (sizeMib < 1) throw new IllegalArgumentException("sizeMib must be at least 1, got " + sizeMib);
        this.root = root;
        this.sizeMib = sizeMib;
    }

    public Path root() {
        return root;
    }

    public static String framePath(int n) {
        return String.format(Locale.ROOT, "%s/shot010_%04d.png", FRAMES, n);
    }

    /** Writes version 1 into the (empty) root; returns its manifest. */
    public Manifest writeVersion1(ProgressListener progress) throws IOException {
        writeLarge(progress);
        writeFrames(1, V1_FRAMES, progress);
        writeAudio(progress);
        writeFile(MODEL, out -> out.write(MediaAssets.glb(SEED + 3)), progress);
        writeNotes(1, progress);
        return manifest.copy();
    }

    /**
     * Version 2: 12 more frames, a one-second punch-in over the dialogue (same file size), a 64 KiB
     * layer inserted into the middle of the large binary, an extra line in the notes.
     */
    public Edits applyVersion2Edits(ProgressListener progress) throws IOException {
        writeFrames(V1_FRAMES + 1, V1_FRAMES + V2_NEW_FRAMES, progress);
        long punched = punchInAudio(progress);
        long offset = LayeredBinary.insertOffset(sizeMib);
        MessageDigest d = sha256();
        LayeredBinary.insertLayer(resolve(LARGE), offset, INSERTED_LAYER_BYTES, sizeMib + 1, SEED + 4, d, progress);
        manifest.put(LARGE, Files.size(resolve(LARGE)), d.digest());
        writeNotes(2, progress);
        return new Edits(V2_NEW_FRAMES, punched, INSERTED_LAYER_BYTES, offset, manifest.copy());
    }

    public long largeBinaryBytes() {
        return (long) sizeMib << 20;
    }

    private void writeLarge(ProgressListener progress) throws IOException {
        Path file = resolve(LARGE);
        Files.createDirectories(file.getParent());
        MessageDigest d = sha256();
        LayeredBinary.write(file, sizeMib, SEED + 4, d, progress);
        manifest.put(LARGE, Files.size(file), d.digest());
    }

    /** Frames {@code first..last}, encoded on every core (each frame depends only on its number). */
    private void writeFrames(int first, int last, ProgressListener progress) throws IOException {
        Files.createDirectories(resolve(FRAMES));
        try {
            IntStream.rangeClosed(first, last).parallel().forEach(n -> {
                try {
                    writeFile(framePath(n), out -> MediaAssets.writePng(MediaAssets.frame(n), out), progress);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void writeAudio(ProgressListener progress) throws IOException {
        byte[] pcm = MediaAssets.speech(SEED + 1, AUDIO_SECONDS * MediaAssets.SAMPLE_RATE);
        writeFile(AUDIO, out -> MediaAssets.writeWav(pcm, out), progress);
    }

    /** Overwrites one second of samples in the middle of the WAV with a second take; returns the bytes replaced. */
    private long punchInAudio(ProgressListener progress) throws IOException {
        Path file = resolve(AUDIO);
        int frames = (int) Math.round(PUNCH_IN_SECONDS * MediaAssets.SAMPLE_RATE);
        byte[] take = MediaAssets.speech(SEED + 2, frames);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(4096, ch.size()));
            while (head.hasRemaining() && ch.read(head, head.position()) >= 0) {
                // keep reading
            }
            long data = MediaAssets.wavDataOffset(head.array());
            long at = data + Math.round(PUNCH_IN_START * MediaAssets.SAMPLE_RATE) * MediaAssets.FRAME_BYTES;
            if (at + take.length > ch.size()) throw new IOException(file + " is too short for the punch-in");
            ByteBuffer b = ByteBuffer.wrap(take);
            while (b.hasRemaining()) ch.write(b, at + b.position());
        }
        progress.advance(take.length);
        manifest.put(AUDIO, Files.size(file), hash(file));
        return take.length;
    }

    private void writeNotes(int version, ProgressListener progress) throws IOException {
        byte[] text = MediaAssets.notes(version).getBytes(StandardCharsets.UTF_8);
        writeFile(NOTES, out -> out.write(text), progress);
    }

    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** Writes (or replaces) one file, hashing and counting its bytes on the way. */
    private void writeFile(String rel, Body body, ProgressListener progress) throws IOException {
        Path file = resolve(rel);
        Files.createDirectories(file.getParent());
        MessageDigest d = sha256();
        long[] count = {0};
        try (OutputStream os = Files.newOutputStream(file);
                OutputStream counting =
                        new CountingStream(new DigestOutputStream(new BufferedOutputStream(os, 1 << 16), d), count)) {
            body.write(counting);
        }
        manifest.put(rel, count[0], d.digest());
        progress.advance(count[0]);
    }

    private Path resolve(String rel) {
        return root.resolve(rel);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }

    /** SHA-256 of a file, streamed. */
    static byte[] hash(Path file) throws IOException {
        MessageDigest d = sha256();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
        }
        return d.digest();
    }

    private static final class CountingStream extends java.io.FilterOutputStream {
        private final long[] count;

        CountingStream(OutputStream out, long[] count) {
            super(out);
            this.count = count;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count[0]++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count[0] += len;
        }
    }
}
