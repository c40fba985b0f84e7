package dev.forge.mirror.blob;

import dev.forge.core.error.ForgeException;
import dev.forge.core.port.BlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a remote's {@link Listings} up as blobs are written through it, so that a reader that cannot
 * list (plain HTTP) finds every pack and ref by name:
 *
 * <ul>
 *   <li>packs and pack indexes put through it are remembered, and added to {@code pack-list} in one
 *       update before the next write to a ref: a ref never names a commit whose pack a listing
 *       reader cannot find, and a push of many packs updates the listing once, not per pack;
 *   <li>a ref created (create-if-absent, or a plain put) is added to {@code ref-list} after it
 *       exists, and a deleted blob leaves its listing before it goes.
 * </ul>
 *
 * <p>What a killed writer leaves out (a pack uploaded but never listed) {@link Listings#reconcile}
 * puts right at the start of the next push. Reads go straight through.
 */
public final class ListingBlobStore extends ForwardingBlobStore {
    private final Map<String, Long> unlisted = new ConcurrentHashMap<>();

    public ListingBlobStore(BlobStore inner) {
        super(inner);
    }

    @Override
    public void put(String name, byte[] data) {
        beforeWrite(name);
        super.put(name, data);
        afterPut(name, data.length);
    }

    @Override
    public void put(String name, Path file) {
        beforeWrite(name);
        super.put(name, file);
        afterPut(name, size(file));
    }

    @Override
    public long putResuming(String name, Path file) {
        beforeWrite(name);
        long skipped = forward(() -> inner().putResuming(name, file));
        afterPut(name, size(file));
        return skipped;
    }

    /** A draft published as a pack is listed like a pack put. */
    @Override
    public java.util.Optional<Draft> draft(String folder) {
        return forward(() -> inner().draft(folder)).map(d -> new Draft() {
            @Override
            public java.nio.channels.WritableByteChannel channel() {
                return d.channel();
            }

            @Override
            public long publish(String name) {
                beforeWrite(name);
                long length = d.publish(name);
                afterPut(name, length);
                return length;
            }

            @Override
            public void close() {
                d.close();
            }
        });
    }

    @Override
    public long readInto(String name, long offset, int length, Path partial, byte[] dst) {
        return forward(() -> inner().readInto(name, offset, length, partial, dst));
    }

    @Override
    public void getInto(String name, long offset, int length, byte[] dst) {
        forward(() -> {
            inner().getInto(name, offset, length, dst);
            return null;
        });
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data) {
        beforeWrite(name);
        boolean created = super.putIfAbsent(name, data);
        if (created) afterPut(name, data.length);
        return created;
    }

    @Override
    public boolean replaceIfUnchanged(String name, byte[] data, String expectedToken) {
        beforeWrite(name);
        return super.replaceIfUnchanged(name, data, expectedToken);
    }

    @Override
    public void delete(String name) {
        String listing = Listings.listingOf(name);
        if (listing != null) {
            unlisted.remove(name);
            Listings.update(inner(), listing, entries -> entries.remove(name));
        }
        super.delete(name);
    }

    /**
     * Removes many blobs: each leaves its listing first (one update per listing, not one per blob),
     * then the blobs go in the order given.
     */
    public void deleteAll(java.util.List<String> names) {
        java.util.Set<String> packs = new java.util.HashSet<>();
        java.util.Set<String> refs = new java.util.HashSet<>();
        for (String n : names) {
            unlisted.remove(n);
            if (Listings.PACKS.equals(Listings.listingOf(n))) packs.add(n);
            else if (Listings.REFS.equals(Listings.listingOf(n))) refs.add(n);
        }
        if (!packs.isEmpty())
            Listings.update(inner(), Listings.PACKS, entries -> entries.keySet().removeAll(packs));
        if (!refs.isEmpty())
            Listings.update(inner(), Listings.REFS, entries -> entries.keySet().removeAll(refs));
        for (String n : names) super.delete(n);
    }

    /** Lists the packs put so far and not yet listed (also done before every ref write). */
    public void flush() {
        if (unlisted.isEmpty()) return;
        Map<String, Long> batch = Map.copyOf(unlisted);
        Listings.update(inner(), Listings.PACKS, entries -> entries.putAll(batch));
        batch.keySet().forEach(unlisted::remove);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new ForgeException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void beforeWrite(String name) {
        if (Listings.REFS.equals(Listings.listingOf(name))) flush();
    }

    private void afterPut(String name, long length) {
        String listing = Listings.listingOf(name);
        if (Listings.PACKS.equals(listing)) unlisted.put(name, length);
        else if (Listings.REFS.equals(listing)) Listings.update(inner(), listing, entries -> entries.put(name, -1L));
    }
}
