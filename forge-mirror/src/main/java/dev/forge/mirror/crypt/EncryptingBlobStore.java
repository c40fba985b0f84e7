package dev.forge.mirror.crypt;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.blob.BlobNames;
import dev.forge.mirror.blob.ForwardingBlobStore;
import dev.forge.mirror.blob.ListingBlobStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;

/**
 * The client-side encryption of a remote, as a blob-store decorator below the remote protocol: push, fetch,
 * clone, locks and gc use plaintext names and bytes, and the store below sees only {@link EncryptedNames} and
 * ciphertext. Every blob but the config and the wrapped keys is encrypted the same way (docs/format.md,
 * "Encrypted remotes"):
 *
 * <pre>
 * header (32 bytes): "FRGENC01" | u32 version = 1 | u32 epoch | 16-byte random nonce
 * payload: STREAM, 64 KiB segments, each ChaCha20-Poly1305 with nonce = 11-byte big-endian counter | last flag,
 *          key = HKDF-SHA-256(RK, salt = nonce | epoch, info = "forge/v1 blob " + plaintext name)
 * </pre>
 *
 * The plaintext name in the key binds each blob to its name: a blob copied under another name (an old ref under
 * another branch, one pack in place of another) does not verify. A ranged read fetches the header once per blob
 * and then only the 64 KiB segments that cover the range, each verified before use. Compare-and-swap works on the
 * ciphertext's token, so the host needs no key for it. A blob that does not verify is an {@link
 * IntegrityException}.
 */
public final class EncryptingBlobStore extends ForwardingBlobStore {
    static final byte[] MAGIC = "FRGENC01".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER = 32;
    static final int SEGMENT = 64 * 1024;
    static final int TAG = 16;

    private final RepositoryKey rk;
    private final EncryptedNames names;
    /** Per stored name: its ciphertext length and payload key, for ranged reads (packs never change). */
    private final Map<String, Opened> opened = new ConcurrentHashMap<>();
    /** Ciphertext lengths seen in listings: spares a stat before the first ranged read of a pack. */
    private final Map<String, Long> listedLengths = new ConcurrentHashMap<>();

    private record Opened(long cipherLength, byte[] key) {}

    public EncryptingBlobStore(BlobStore inner, RepositoryKey rk) {
        super(inner);
        this.rk = rk;
        this.names = new EncryptedNames(rk);
    }

    /** The repository key this store encrypts with. */
    public RepositoryKey key() {
        return rk;
    }

    /** The stored (encrypted) name of plaintext name {@code name}. */
    public String storedName(String name) {
        return names.encode(name);
    }

    /** The ciphertext length of a plaintext of {@code n} bytes. */
    public static long cipherLength(long n) {
        long segments = Math.max(1, (n + SEGMENT - 1) / SEGMENT);
        return HEADER + n + TAG * segments;
    }

    /** The plaintext length of a ciphertext of {@code c} bytes, or -1 when no plaintext encrypts to it. */
    public static long plainLength(long c) {
        long body = c - HEADER;
        if (body < TAG) return -1;
        long segments = (body + SEGMENT + TAG - 1) / (SEGMENT + TAG);
        long n = body - TAG * segments;
        return n >= 0 && cipherLength(n) == c ? n : -1;
    }

    // ---- writes ----

    @Override
    public void put(String name, byte[] data) {
        if (EncryptedNames.plain(name)) {
            super.put(name, data);
            return;
        }
        String stored = names.encode(name);
        opened.remove(stored);
        super.put(stored, encrypt(name, data));
    }

    @Override
    public void put(String name, Path file) {
        if (EncryptedNames.plain(name)) {
            super.put(name, file);
            return;
        }
        String stored = names.encode(name);
        opened.remove(stored);
        Path tmp = file.resolveSibling(file.getFileName() + ".enc.part");
        try {
            try (InputStream in = Files.newInputStream(file);
                    OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                encrypt(name, in, out);
            }
            super.put(stored, tmp);
        } catch (IOException e) {
            throw new ForgeException("cannot encrypt " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover .part file is swept by the next push
            }
        }
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data) {
        if (EncryptedNames.plain(name)) return super.putIfAbsent(name, data);
        return super.putIfAbsent(names.encode(name), encrypt(name, data));
    }

    @Override
    public boolean replaceIfUnchanged(String name, byte[] data, String expectedToken) {
        if (EncryptedNames.plain(name)) return super.replaceIfUnchanged(name, data, expectedToken);
        return super.replaceIfUnchanged(names.encode(name), encrypt(name, data), expectedToken);
    }

    @Override
    public void delete(String name) {
        String stored = EncryptedNames.plain(name) ? name : names.encode(name);
        opened.remove(stored);
        super.delete(stored);
    }

    /** Deletes many blobs through the listings below (see {@link ListingBlobStore#deleteAll}). */
    public void deleteAll(List<String> plainNames) {
        List<String> stored = new ArrayList<>();
        for (String n : plainNames) stored.add(EncryptedNames.plain(n) ? n : names.encode(n));
        stored.forEach(opened::remove);
        if (inner() instanceof ListingBlobStore l) l.deleteAll(stored);
        else stored.forEach(inner()::delete);
    }

    /** Lists the packs put so far (see {@link ListingBlobStore#flush}). */
    public void flush() {
        if (inner() instanceof ListingBlobStore l) l.flush();
    }

    // ---- reads ----

    @Override
    public Optional<Versioned> get(String name) {
        if (EncryptedNames.plain(name)) return super.get(name);
        String stored = names.encode(name);
        return super.get(stored).map(v -> new Versioned(decrypt(name, stored, v.data()), v.token()));
    }

    @Override
    public byte[] get(String name, long offset, int length) {
        if (EncryptedNames.plain(name)) return super.get(name, offset, length);
        BlobNames.check(name);
        String stored = names.encode(name);
        Opened o = open(name, stored);
        long plain = plainLength(o.cipherLength());
        if (offset < 0 || length < 0 || offset + length > plain) {
            throw new IntegrityException("a read of " + length + " bytes at offset " + offset + " of " + describe()
                    + "/" + name + " goes past its end (" + plain + " bytes)");
        }
        if (length == 0) return new byte[0];
        long first = offset / SEGMENT;
        long last = (offset + length - 1) / SEGMENT;
        long lastOfBlob = Math.max(0, (plain + SEGMENT - 1) / SEGMENT - 1);
        long start = HEADER + first * (SEGMENT + TAG);
        long end = Math.min(o.cipherLength(), HEADER + (last + 1) * (SEGMENT + TAG));
        byte[] sealed = super.get(stored, start, Math.toIntExact(end - start));
        byte[] out = new byte[length];
        int filled = 0;
        int pos = 0;
        for (long seg = first; seg <= last; seg++) {
            int n = Math.min(SEGMENT + TAG, sealed.length - pos);
            byte[] p = openSegment(o.key(), seg, seg == lastOfBlob, sealed, pos, n, name);
            pos += n;
            long segStart = seg * SEGMENT;
            int from = (int) Math.max(0, offset - segStart);
            int to = (int) Math.min(p.length, offset + length - segStart);
            System.arraycopy(p, from, out, filled, to - from);
            filled += to - from;
        }
        return out;
    }

    @Override
    public Optional<BlobInfo> stat(String name) {
        if (EncryptedNames.plain(name)) return super.stat(name);
        return super.stat(names.encode(name)).map(b -> new BlobInfo(name, plainLength(b.length()), b.token()));
    }

    @Override
    public List<BlobInfo> list(String prefix) {
        List<BlobInfo> out = new ArrayList<>();
        for (BlobInfo b : super.list(EncryptedNames.listPrefix(prefix))) {
            Optional<String> plain = names.decode(b.name());
            if (plain.isEmpty() || !plain.get().startsWith(prefix)) continue;
            if (EncryptedNames.plain(plain.get())) {
                out.add(b);
                continue;
            }
            if (b.length() >= 0) listedLengths.put(b.name(), b.length());
            out.add(new BlobInfo(plain.get(), b.length() < 0 ? b.length() : plainLength(b.length()), b.token()));
        }
        return out;
    }

    @Override
    public String describe() {
        return super.describe();
    }

    // ---- the format ----

    byte[] encrypt(String name, byte[] data) {
        java.io.ByteArrayOutputStream out =
                new java.io.ByteArrayOutputStream(Math.toIntExact(cipherLength(data.length)));
        try {
            encrypt(name, new java.io.ByteArrayInputStream(data), out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private void encrypt(String name, InputStream in, OutputStream out) throws IOException {
        byte[] nonce = RepositoryKey.random(16);
        int epoch = rk.epoch();
        byte[] header = new byte[HEADER];
        System.arraycopy(MAGIC, 0, header, 0, 8);
        putInt(header, 8, VERSION);
        putInt(header, 12, epoch);
        System.arraycopy(nonce, 0, header, 16, 16);
        out.write(header);
        byte[] key = rk.blobKey(nonce, epoch, name);
        byte[] buf = new byte[SEGMENT];
        int fill = in.readNBytes(buf, 0, SEGMENT);
        long counter = 0;
        while (true) {
            // A full segment is the last only when nothing follows it.
            byte[] next = new byte[SEGMENT];
            int nextFill = fill == SEGMENT ? in.readNBytes(next, 0, SEGMENT) : 0;
            boolean last = nextFill == 0;
            try {
                out.write(RepositoryKey.chacha(Cipher.ENCRYPT_MODE, key, nonce(counter++, last))
                        .doFinal(buf, 0, fill));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            if (last) break;
            buf = next;
            fill = nextFill;
        }
        Arrays.fill(key, (byte) 0);
    }

    private byte[] decrypt(String name, String stored, byte[] data) {
        byte[] key = headerKey(name, data, 0, data.length);
        long plain = plainLength(data.length);
        if (plain < 0) throw damaged(name, "its length is not that of an encrypted blob");
        byte[] out = new byte[Math.toIntExact(plain)];
        long segments = Math.max(1, (plain + SEGMENT - 1) / SEGMENT);
        int pos = HEADER;
        int filled = 0;
        for (long seg = 0; seg < segments; seg++) {
            int n = Math.min(SEGMENT + TAG, data.length - pos);
            byte[] p = openSegment(key, seg, seg == segments - 1, data, pos, n, name);
            System.arraycopy(p, 0, out, filled, p.length);
            filled += p.length;
            pos += n;
        }
        opened.putIfAbsent(stored, new Opened(data.length, key));
        return out;
    }

    private Opened open(String name, String stored) {
        Opened o = opened.get(stored);
        if (o != null) return o;
        Long length = listedLengths.get(stored);
        if (length == null) {
            length = super.stat(stored)
                    .orElseThrow(() -> new NotFoundException("no blob " + name + " at " + describe()))
                    .length();
        }
        if (plainLength(length) < 0) throw damaged(name, "its length is not that of an encrypted blob");
        byte[] header = super.get(stored, 0, HEADER);
        o = new Opened(length, headerKey(name, header, 0, header.length));
        opened.put(stored, o);
        return o;
    }

    private byte[] headerKey(String name, byte[] data, int off, int len) {
        if (len < HEADER || !Arrays.equals(data, off, off + 8, MAGIC, 0, 8))
            throw damaged(name, "it has no encrypted-blob header");
        if (getInt(data, off + 8) != VERSION) throw damaged(name, "unknown encrypted-blob version");
        int epoch = getInt(data, off + 12);
        if (epoch != rk.epoch()) {
            throw damaged(name, "it is under key epoch " + epoch + ", this client has epoch " + rk.epoch());
        }
        return rk.blobKey(Arrays.copyOfRange(data, off + 16, off + 32), epoch, name);
    }

    private byte[] openSegment(byte[] key, long counter, boolean last, byte[] data, int off, int len, String name) {
        if (len < TAG) throw damaged(name, "segment " + counter + " is truncated");
        try {
            byte[] p = RepositoryKey.chacha(Cipher.DECRYPT_MODE, key, nonce(counter, last))
                    .doFinal(data, off, len);
            if (!last && p.length != SEGMENT) throw damaged(name, "segment " + counter + " is short");
            return p;
        } catch (AEADBadTagException e) {
            throw damaged(name, "segment " + counter + " does not verify: it was altered, truncated or swapped");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private IntegrityException damaged(String name, String why) {
        return new IntegrityException("the encrypted blob " + name + " on " + describe() + " is damaged: " + why);
    }

    private static byte[] nonce(long counter, boolean last) {
        byte[] n = new byte[12];
        for (int i = 0; i < 8; i++) n[10 - i] = (byte) (counter >>> (8 * i));
        n[11] = (byte) (last ? 1 : 0);
        return n;
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static int getInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }
}
