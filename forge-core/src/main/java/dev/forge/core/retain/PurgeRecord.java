package dev.forge.core.retain;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.model.ObjectId;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What was purged, and why: file contents (a chunk list's id, or a one-chunk file's chunk id) that a gc
 * dropped under the retention policy or that {@code forge obliterate} removed. Kept in {@code
 * .forge/purged} and on each remote as {@code purged} (docs/format.md, "Purge record"):
 *
 * <pre>
 * forge-purged 1
 * CONTENT_ID EPOCH_MS retention|obliterated REASON
 * </pre>
 *
 * A content is purged when it is in the record <em>and</em> absent: content that came back (pushed again)
 * is simply there. Copies merge by union (the earlier entry of an id wins), so the record only grows until
 * a gc finds an entry present again and drops it. Forge's own format, like the policy.
 */
public final class PurgeRecord {
    public static final String HEADER = "forge-purged 1";
    public static final String FILE = "purged";

    public enum Why {
        RETENTION("retention"),
        OBLITERATED("obliterated");

        final String word;

        Why(String word) {
            this.word = word;
        }
    }

    /** One purged content: when, why, and the rule or path (for the message). */
    public record Entry(ObjectId content, long at, Why why, String reason) {
        /** {@code purged by the retention policy 'renders/**' (keep last 1)} or {@code obliterated ('key.txt')}. */
        public String describe() {
            return why == Why.OBLITERATED
                    ? "obliterated (forge obliterate " + reason + ")"
                    : "purged by the retention policy " + reason;
        }

        String line() {
            return content.hex() + " " + at + " " + why.word + " " + reason.replace('\n', ' ');
        }
    }

    private final Map<ObjectId, Entry> entries;

    private PurgeRecord(Map<ObjectId, Entry> entries) {
        this.entries = entries;
    }

    public static PurgeRecord empty() {
        return new PurgeRecord(new TreeMap<>(java.util.Comparator.comparing(ObjectId::hex)));
    }

    public Optional<Entry> get(ObjectId content) {
        return Optional.ofNullable(entries.get(content));
    }

    public boolean contains(ObjectId content) {
        return entries.containsKey(content);
    }

    public Collection<Entry> entries() {
        return entries.values();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    /** This record with {@code more} added (an id already here keeps its entry, unless now obliterated). */
    public PurgeRecord with(Collection<Entry> more) {
        PurgeRecord out = copy();
        for (Entry e : more) {
            // An obliteration says more than a retention purge: it wins.
            out.entries.merge(e.content(), e, (a, b) -> a.why() == Why.RETENTION && b.why() == Why.OBLITERATED ? b : a);
        }
        return out;
    }

    public PurgeRecord merge(PurgeRecord other) {
        return with(other.entries.values());
    }

    /** This record without {@code ids} (contents that are present again). */
    public PurgeRecord without(Collection<ObjectId> ids) {
        PurgeRecord out = copy();
        ids.forEach(out.entries::remove);
        return out;
    }

    private PurgeRecord copy() {
        PurgeRecord out = empty();
        out.entries.putAll(entries);
        return out;
    }

    public String encode() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Entry e : entries.values()) sb.append(e.line()).append('\n');
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PurgeRecord p && p.encode().equals(encode());
    }

    @Override
    public int hashCode() {
        return encode().hashCode();
    }

    public static PurgeRecord parse(String text, String where) {
        String[] lines = text.split("\n", -1);
        if (lines.length == 0 || !lines[0].startsWith("forge-purged ")) {
            throw new IntegrityException("the purge record " + where + " is damaged (no header)");
        }
        if (!lines[0].equals(HEADER)) {
            throw new ForgeException("the purge record " + where + " is '" + lines[0]
                    + "', newer than this forge understands (" + HEADER + "); upgrade forge");
        }
        PurgeRecord out = empty();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty()) continue;
            String[] p = lines[i].split(" ", 4);
            Why why = null;
            if (p.length == 4) for (Why w : Why.values()) if (w.word.equals(p[2])) why = w;
            if (p.length != 4
                    || !ObjectId.isHex(p[0])
                    || p[0].length() != 64
                    || !p[1].matches("\\d{1,18}")
                    || why == null) {
                throw new IntegrityException("the purge record " + where + " is damaged at line " + (i + 1));
            }
            ObjectId id = ObjectId.parse(p[0]);
            out.entries.putIfAbsent(id, new Entry(id, Long.parseLong(p[1]), why, p[3]));
        }
        return out;
    }

    public static PurgeRecord load(Path forgeDir) {
        Path f = forgeDir.resolve(FILE);
        return AtomicFiles.read(f).map(t -> parse(t, f.toString())).orElseGet(PurgeRecord::empty);
    }

    public void save(Path forgeDir) {
        AtomicFiles.write(forgeDir.resolve(FILE), encode());
    }
}
