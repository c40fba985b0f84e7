package dev.forge.mirror.blob;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The listings of a remote, for hosts that cannot list (a static web server, a CDN, a public bucket
 * behind a custom domain): {@code pack-list} names every pack and pack index with its length, and
 * {@code ref-list} names every ref. A writer keeps them up (feature {@value #FEATURE}, see
 * docs/format.md); a reader over plain HTTP reads them where another store would list.
 *
 * <p>Format (UTF-8 text): the line {@code forge-listing 1}, then one line per blob, sorted by name:
 * {@code NAME LENGTH} ({@code -1} where the length is not kept, as for refs, whose content changes
 * with every push). Every update is a read-modify-write with replace-if-unchanged (create-if-absent
 * for the first), retried when another writer got there first, so concurrent pushes never lose each
 * other's entries.
 */
public final class Listings {
    /** The remote feature that says every writer keeps the listings up. */
    public static final String FEATURE = "pack-list";
    /** The listing of {@code packs/}. */
    public static final String PACKS = "pack-list";
    /** The listing of {@code refs/}. */
    public static final String REFS = "ref-list";
    /** Longest listing a reader accepts: about 500,000 packs. */
    public static final int MAX_BYTES = 64 << 20;

    private static final String HEADER = "forge-listing 1";
    private static final int MAX_UPDATE_TRIES = 64;

    private Listings() {}

    /** The listing blob that covers blob {@code name} ({@link #PACKS} or {@link #REFS}), or null. */
    public static String listingOf(String name) {
        if (name.startsWith("packs/") && (name.endsWith(".pack") || name.endsWith(".idx"))) return PACKS;
        if (name.startsWith("refs/")) return REFS;
        return null;
    }

    /** The entries of a listing blob, name to length ({@code -1}: not kept). */
    public static SortedMap<String, Long> parse(byte[] data, String where) {
        if (data.length > MAX_BYTES) {
            throw new IntegrityException(
                    "the listing " + where + " is " + data.length + " bytes, more than a listing can be");
        }
        String text = new String(data, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        if (lines.length < 2 || !lines[0].equals(HEADER) || !lines[lines.length - 1].isEmpty()) {
            throw new IntegrityException("the listing " + where + " is damaged (no '" + HEADER + "' header)");
        }
        SortedMap<String, Long> out = new TreeMap<>();
        for (int i = 1; i < lines.length - 1; i++) {
            String line = lines[i];
            int sp = line.indexOf(' ');
            try {
                if (sp <= 0) throw new NumberFormatException();
                String name = BlobNames.check(line.substring(0, sp));
                long length = Long.parseLong(line.substring(sp + 1));
                if (length < -1) throw new NumberFormatException();
                out.put(name, length);
            } catch (NumberFormatException | InvalidInputException e) {
                throw new IntegrityException("the listing " + where + " is damaged at line " + (i + 1));
            }
        }
        return out;
    }

    public static byte[] encode(Map<String, Long> entries) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        new TreeMap<>(entries)
                .forEach((n, l) -> sb.append(n).append(' ').append(l).append('\n'));
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The blobs a listing names under {@code prefix}, as a listing store would return them. */
    public static List<BlobStore.BlobInfo> select(SortedMap<String, Long> entries, String prefix) {
        List<BlobStore.BlobInfo> out = new ArrayList<>();
        for (var e : entries.tailMap(prefix).entrySet()) {
            if (!e.getKey().startsWith(prefix)) break;
            out.add(new BlobStore.BlobInfo(e.getKey(), e.getValue(), null));
        }
        return out;
    }

    /**
     * Changes listing {@code listing} in {@code store} by {@code change} (applied to its entries; a
     * missing listing starts empty), writing only when something changed. Concurrent updates are
     * merged by compare-and-swap: a lost race reads again and reapplies {@code change}.
     */
    public static void update(BlobStore store, String listing, Consumer<SortedMap<String, Long>> change) {
        for (int attempt = 1; ; attempt++) {
            Optional<BlobStore.Versioned> current = store.get(listing);
            SortedMap<String, Long> entries = current.isPresent()
                    ? parse(current.get().data(), store.describe() + "/" + listing)
                    : new TreeMap<>();
            SortedMap<String, Long> changed = new TreeMap<>(entries);
            change.accept(changed);
            if (current.isPresent() && changed.equals(entries)) return;
            byte[] data = encode(changed);
            boolean written = current.isPresent()
                    ? store.replaceIfUnchanged(listing, data, current.get().token())
                    : store.putIfAbsent(listing, data);
            if (written) return;
            if (attempt >= MAX_UPDATE_TRIES) {
                throw new RemoteUnavailableException(
                        "cannot update " + listing + " on " + store.describe() + ": it kept changing under "
                                + MAX_UPDATE_TRIES + " tries (too many pushes at once?)",
                        true);
            }
            try {
                Thread.sleep(Math.min(500, 5L * attempt * attempt));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ForgeException("interrupted while updating " + listing, e);
            }
        }
    }

    /**
     * Makes both listings of {@code store} (one that can list) name exactly what it holds: what a push
     * that was killed between uploading a pack and listing it left out, and what a delete left in.
     * Costs two listings and two small reads; writes only what differs.
     */
    public static void reconcile(BlobStore store) {
        reconcile(store, PACKS, "packs/");
        reconcile(store, REFS, "refs/");
    }

    /** Whether {@code name} is a blob name (a folder remote can hold files a client never wrote, such as a branch named 'a b'). */
    private static boolean nameable(String name) {
        try {
            BlobNames.check(name);
            return true;
        } catch (InvalidInputException e) {
            return false;
        }
    }

    private static void reconcile(BlobStore store, String listing, String prefix) {
        // Read the listing first, then list: an entry added before the read is backed by a blob that
        // the listing shows, so dropping entries the listing lacks never drops a live one; and the
        // compare-and-swap in update() refuses the write if anyone changed the listing since.
        update(store, listing, entries -> {
            SortedMap<String, Long> actual = new TreeMap<>();
            for (BlobStore.BlobInfo b : store.list(prefix)) {
                if (!listing.equals(listingOf(b.name())) || !nameable(b.name())) continue;
                actual.put(b.name(), listing.equals(PACKS) ? b.length() : -1L);
            }
            entries.clear();
            entries.putAll(actual);
        });
    }
}
