package dev.forge.storage;

import dev.forge.core.model.ObjectId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The pack records this repository knows to be damaged: {@code .forge/damaged}, one line per record,
 * {@code <id hex> <pack file name> <record offset>}, appended when a read or fsck finds a record that
 * does not hold its object. An entry names a record, not an object: once the object is written again
 * ({@code forge add} of a file that has those bytes, {@code forge fetch} or {@code forge repair
 * --remote}), the index points at the new record and the entry no longer applies. Deduplication asks
 * it, so that a damaged record never stands in for good bytes.
 *
 * <p>Remembering is best effort: a repository that cannot be written (a read-only mount) forgets, and
 * the damage is found again by the next read. A torn last line (a crash while appending) is skipped.
 */
final class DamagedRecords {
    static final String FILE = "damaged";

    /** One damaged record: the object it should hold and where it lies. */
    record Entry(ObjectId id, String pack, long offset) {}

    private final Path file;
    private Set<Entry> entries;
    /**
     * The ids of {@link #entries}, replaced (never changed) on each change, so that deduplication's
     * question, almost always answered "no", takes no lock; null until loaded.
     */
    private volatile Set<ObjectId> ids;

    /** Set for a repository opened read-only: damage is remembered for this run, nothing is written. */
    private volatile boolean inMemoryOnly;

    DamagedRecords(Path forgeDir) {
        this.file = forgeDir.resolve(FILE);
    }

    void inMemoryOnly() {
        inMemoryOnly = true;
    }

    /** Whether the record of {@code id} at {@code offset} of {@code pack} is known to be damaged. */
    synchronized boolean contains(ObjectId id, String pack, long offset) {
        load();
        return ids.contains(id) && entries.contains(new Entry(id, pack, offset));
    }

    /** Whether any record of {@code id} is known to be damaged (then ask {@link #contains}). */
    boolean mentions(ObjectId id) {
        Set<ObjectId> known = ids;
        if (known == null) {
            synchronized (this) {
                load();
                known = ids;
            }
        }
        return known.contains(id);
    }

    synchronized Set<Entry> all() {
        load();
        return Set.copyOf(entries);
    }

    /** Remembers a damaged record; appending is synced, and failing to append is not an error. */
    synchronized void add(ObjectId id, String pack, long offset) {
        load();
        Entry e = new Entry(id, pack, offset);
        if (!entries.add(e)) return;
        Set<ObjectId> more = new HashSet<>(ids);
        more.add(id);
        ids = Set.copyOf(more);
        if (inMemoryOnly) return;
        String line = id.hex() + " " + pack + " " + offset + "\n";
        try {
            Files.write(
                    file,
                    line.getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.DSYNC);
        } catch (IOException ignored) {
            // Remembered for this run only; the next read finds the damage again.
        }
    }

    /** Keeps only the entries {@code keep} accepts (e.g. drops those of deleted packs); best effort. */
    synchronized void retain(Predicate<Entry> keep) {
        load();
        if (!entries.removeIf(keep.negate())) return;
        Set<ObjectId> left = new HashSet<>();
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            left.add(e.id());
            sb.append(e.id().hex())
                    .append(' ')
                    .append(e.pack())
                    .append(' ')
                    .append(e.offset())
                    .append('\n');
        }
        ids = Set.copyOf(left);
        if (inMemoryOnly) return;
        try {
            if (entries.isEmpty()) {
                Files.deleteIfExists(file);
                return;
            }
            Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.writeString(tmp, sb, StandardCharsets.UTF_8);
            try (var ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ignored) {
            // The stale entries stay: they name records the index no longer points at, so they are harmless.
        }
    }

    private void load() {
        if (entries != null) return;
        entries = new LinkedHashSet<>();
        Set<ObjectId> found = new HashSet<>();
        try {
            for (String line : Files.readString(file, StandardCharsets.UTF_8).split("\n", -1)) {
                String[] f = line.trim().split(" ");
                if (f.length != 3) continue;
                try {
                    Entry e = new Entry(ObjectId.parse(f[0]), f[1], Long.parseLong(f[2]));
                    entries.add(e);
                    found.add(e.id());
                } catch (IllegalArgumentException ignored) {
                    // a torn or foreign line
                }
            }
        } catch (NoSuchFileException e) {
            // nothing is known to be damaged
        } catch (IOException | java.io.UncheckedIOException e) {
            // unreadable: nothing known; reads still verify every record
        }
        ids = Set.copyOf(found);
    }
}
