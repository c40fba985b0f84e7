package dev.forge.core.repo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The undo journal of a {@link WorkTreeUpdate}: {@code .forge/worktree-journal}, so that a command
 * killed while it renames files into the work tree is undone by the next command that opens the
 * repository to write, and the work tree is again the one HEAD and the stage describe.
 *
 * <p>Forge's own format (no library journals a set of renames): a header record, fsynced before the
 * first step, holds the sequence number of the newest operation in the op log; then one record per
 * step, written (not fsynced) before the step is taken. A step's undo looks at the disk to see how far
 * the step got, so a step recorded but never taken undoes to nothing. The transaction that follows the
 * update (HEAD, refs, stage) is what commits it: once an operation newer than the header's is in the
 * op log, the journal is obsolete and only deleted; otherwise every step is undone, last first.
 * Records are length-prefixed and CRC32C-checked; reading stops at the first torn one. A kill at any
 * point is recovered exactly; after a power cut, recovery undoes what the journal reached.
 */
final class WorkTreeJournal implements AutoCloseable {
    static final String FILE = "worktree-journal";
    private static final int MAGIC = 0x46574A31; // "FWJ1"

    enum Kind {
        /** {@code target}: the op-log sequence number the update started from. */
        HEADER,
        /** A file renamed from {@code staged} to {@code target}, what stood there first moved to {@code aside}. */
        PLACE,
        /** {@code target} (a file, symlink or folder) moved to {@code aside}. */
        ASIDE,
        /** The folder {@code target} created. */
        MKDIR,
        /** The empty folder {@code target} deleted. */
        RMDIR
    }

    /** One step. {@code target} is relative to the work tree; {@code staged} and {@code aside} are names in {@code .forge/tmp}. */
    record Step(Kind kind, String target, String staged, String aside) {}

    private final Path file;
    private final FileChannel channel;

    private WorkTreeJournal(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Starts a journal for an update of the work tree that begins after operation {@code opSeq}. */
    static WorkTreeJournal start(Path forgeDir, long opSeq) throws IOException {
        Path file = forgeDir.resolve(FILE);
        FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        try {
            ByteBuffer magic = ByteBuffer.allocate(4).putInt(0, MAGIC);
            while (magic.hasRemaining()) ch.write(magic);
            WorkTreeJournal j = new WorkTreeJournal(file, ch);
            j.append(new Step(Kind.HEADER, Long.toString(opSeq), null, null));
            ch.force(true);
            return j;
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** Writes {@code step} before it is taken. */
    void append(Step step) throws IOException {
        byte[] payload = encode(step);
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer b = ByteBuffer.allocate(payload.length + 8);
        b.putInt(payload.length).put(payload).putInt((int) crc.getValue()).flip();
        while (b.hasRemaining()) channel.write(b);
    }

    /** The update is committed (or undone): the journal goes, before anything it names. */
    void delete() throws IOException {
        close();
        Files.deleteIfExists(file);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * Finishes what a killed update left ({@code .forge/worktree-journal}): deleted when the op log moved
     * on since it began (its transaction committed), else every step undone. Best effort: a step that
     * cannot be undone is left (status shows it), and the journal is removed either way.
     */
    static void recover(Path forgeDir, Path root, long opSeq) {
        Path file = forgeDir.resolve(FILE);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return;
        try {
            List<Step> steps = read(file);
            if (!steps.isEmpty()
                    && steps.get(0).kind() == Kind.HEADER
                    && steps.get(0).target().equals(Long.toString(opSeq))) {
                Path tmp = forgeDir.resolve("tmp");
                for (int i = steps.size() - 1; i >= 1; i--) {
                    try {
                        undo(steps.get(i), root, tmp);
                    } catch (IOException | RuntimeException e) {
                        // Left as it is: status shows it, checkout --force finishes it.
                    }
                }
            }
            Files.deleteIfExists(file);
            // What the steps kept aside or staged is no longer needed (the rest goes with the sweep).
            for (Step s : steps) {
                for (String name : new String[] {s.staged(), s.aside()}) {
                    if (name != null)
                        ContentWriter.deleteTree(forgeDir.resolve("tmp").resolve(name));
                }
            }
        } catch (IOException | RuntimeException e) {
            // An unreadable journal is removed; the work tree is what status then shows.
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // Tried again at the next open.
            }
        }
    }

    /** Takes {@code step} back, looking at the disk to see how far it got. */
    static void undo(Step step, Path root, Path tmp) throws IOException {
        Path target = root.resolve(step.target());
        Path aside = step.aside() == null ? null : tmp.resolve(step.aside());
        switch (step.kind()) {
            case HEADER -> {}
            case PLACE, ASIDE -> {
                boolean published =
                        step.staged() != null && !Files.exists(tmp.resolve(step.staged()), LinkOption.NOFOLLOW_LINKS);
                if (aside != null && Files.exists(aside, LinkOption.NOFOLLOW_LINKS)) {
                    // What stood there comes back (for a hard link kept aside, the same bytes).
                    ContentWriter.deleteTree(target);
                    Files.createDirectories(target.getParent());
                    Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
                } else if (published) {
                    Files.deleteIfExists(target);
                }
            }
            case MKDIR -> {
                try {
                    Files.deleteIfExists(target);
                } catch (java.nio.file.DirectoryNotEmptyException e) {
                    // Someone's file is in it now: it stays.
                }
            }
            case RMDIR -> Files.createDirectories(target);
        }
    }

    static List<Step> read(Path file) throws IOException {
        ByteBuffer b;
        try {
            b = ByteBuffer.wrap(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<Step> out = new ArrayList<>();
        if (b.remaining() < 4 || b.getInt() != MAGIC) return out;
        while (b.remaining() >= 8) {
            int n = b.getInt();
            if (n < 0 || n > b.remaining() - 4) break;
            byte[] payload = new byte[n];
            b.get(payload);
            CRC32C crc = new CRC32C();
            crc.update(payload);
            if (b.getInt() != (int) crc.getValue()) break;
            out.add(decode(payload));
        }
        return out;
    }

    private static byte[] encode(Step s) {
        byte[][] parts = {utf8(s.target()), utf8(s.staged()), utf8(s.aside())};
        int n = 1;
        for (byte[] p : parts) n += 4 + (p == null ? 0 : p.length);
        ByteBuffer b = ByteBuffer.allocate(n).put((byte) s.kind().ordinal());
        for (byte[] p : parts) {
            b.putInt(p == null ? -1 : p.length);
            if (p != null) b.put(p);
        }
        return b.array();
    }

    private static Step decode(byte[] payload) {
        ByteBuffer b = ByteBuffer.wrap(payload);
        Kind kind = Kind.values()[b.get()];
        String[] parts = new String[3];
        for (int i = 0; i < 3; i++) {
            int n = b.getInt();
            if (n < 0) continue;
            byte[] p = new byte[n];
            b.get(p);
            parts[i] = new String(p, StandardCharsets.UTF_8);
        }
        return new Step(kind, parts[0], parts[1], parts[2]);
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
