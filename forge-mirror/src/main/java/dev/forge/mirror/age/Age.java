package dev.forge.mirror.age;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.KeyException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;

/**
 * The age file format, age-encryption.org/v1 (c2sp.org/age): a text header that wraps a random 16-byte file
 * key to each recipient and ends in an HMAC-SHA-256, then a payload in 64 KiB ChaCha20-Poly1305 chunks (STREAM)
 * under a key derived from the file key and a 16-byte nonce. Files written here open with the age command and
 * the other way round (AgeInteropTest).
 *
 * <p>Hand-written because no well-kept Java age library can be used here: Jagged (com.exceptionfactory.jagged)
 * exists on Maven Central but its scrypt module is not served to this build, and the format is short; the
 * cryptography itself is the JDK's (X25519, HKDF, ChaCha20-Poly1305, HMAC) and Bouncy Castle's scrypt.
 *
 * <p>Failures: no identity opens the file: {@link KeyException}; a header that does not parse, a header MAC
 * or a payload chunk that does not verify, a truncated file: {@link IntegrityException}. Decryption never
 * hands out plaintext of a chunk that has not verified.
 */
public final class Age {
    static final String VERSION_LINE = "age-encryption.org/v1";
    static final int CHUNK = 64 * 1024;
    private static final int TAG = 16;
    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_STANZAS = 1024;

    private Age() {}

    /** Encrypts a whole byte array to the recipients. */
    public static byte[] encrypt(byte[] plaintext, List<? extends Recipient> recipients) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(plaintext.length + 512);
        try (OutputStream enc = encrypting(out, recipients)) {
            enc.write(plaintext);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Decrypts a whole age file with the first identity that opens it. */
    public static byte[] decrypt(byte[] file, List<? extends Identity> identities) {
        try (InputStream in = decrypting(new ByteArrayInputStream(file), identities)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stanzas' types ("X25519", "scrypt", ...) of an age file, without opening it. */
    public static List<String> stanzaTypes(byte[] file) {
        try {
            return readHeader(new ByteArrayInputStream(file)).stanzas.stream()
                    .map(Stanza::type)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the header to {@code out} now and returns a stream that encrypts what is written to it; closing it
     * writes the final chunk and closes {@code out}.
     */
    public static OutputStream encrypting(OutputStream out, List<? extends Recipient> recipients) throws IOException {
        if (recipients.isEmpty()) throw new IllegalArgumentException("no recipients");
        boolean scrypt = recipients.stream().anyMatch(r -> r instanceof Passphrase);
        if (scrypt && recipients.size() > 1)
            throw new IllegalArgumentException("a passphrase must be the only recipient of an age file");
        byte[] fileKey = Primitives.random(16);
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        line(header, VERSION_LINE);
        for (Recipient r : recipients) {
            Stanza s = r.wrap(fileKey);
            line(header, "-> " + String.join(" ", s.args()));
            String body = Primitives.b64(s.body());
            for (int i = 0; i <= body.length(); i += 64)
                line(header, body.substring(i, Math.min(body.length(), i + 64)));
        }
        header.write("---".getBytes(StandardCharsets.US_ASCII));
        byte[] mac = Primitives.hmacSha256(
                Primitives.hkdf(fileKey, new byte[0], "header"), header.toByteArray(), header.size());
        line(header, " " + Primitives.b64(mac));
        byte[] nonce = Primitives.random(16);
        out.write(header.toByteArray());
        out.write(nonce);
        byte[] payloadKey = Primitives.hkdf(fileKey, nonce, "payload");
        Primitives.wipe(fileKey);
        return new EncryptingStream(out, payloadKey);
    }

    /**
     * Reads and verifies the header now (so a wrong key or a damaged header fails here) and returns a stream of
     * the plaintext, each chunk verified before it is handed out. Closing it closes {@code in}.
     */
    public static InputStream decrypting(InputStream in, List<? extends Identity> identities) throws IOException {
        Header h = readHeader(in);
        byte[] fileKey = null;
        for (Identity id : identities) {
            Optional<byte[]> k = id.unwrap(h.stanzas);
            if (k.isPresent()) {
                fileKey = k.get();
                break;
            }
        }
        if (fileKey == null) {
            List<String> types = h.stanzas.stream().map(Stanza::type).distinct().toList();
            boolean passphrase = types.contains("scrypt");
            boolean havePassphrase = identities.stream().anyMatch(i -> i instanceof Passphrase);
            if (passphrase && !havePassphrase)
                throw new KeyException("the age file is encrypted with a passphrase, and none was given");
            if (passphrase) throw new KeyException("wrong passphrase for the age file");
            throw new KeyException("no identity given opens the age file (it is encrypted to " + h.stanzas.size() + " "
                    + String.join("/", types) + " recipient(s))");
        }
        byte[] expected =
                Primitives.hmacSha256(Primitives.hkdf(fileKey, new byte[0], "header"), h.macInput, h.macInput.length);
        if (!Primitives.constantTimeEquals(expected, h.mac))
            throw new IntegrityException("age header MAC does not verify: the file was altered");
        byte[] nonce = in.readNBytes(16);
        if (nonce.length != 16) throw new IntegrityException("age file is truncated: no payload nonce");
        byte[] payloadKey = Primitives.hkdf(fileKey, nonce, "payload");
        Primitives.wipe(fileKey);
        return new DecryptingStream(in, payloadKey);
    }

    private static void line(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
        out.write('\n');
    }

    private record Header(List<Stanza> stanzas, byte[] macInput, byte[] mac) {}

    private static Header readHeader(InputStream in) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        String version = readLine(in, raw);
        if (!version.equals(VERSION_LINE))
            throw new IntegrityException(
                    version.startsWith("age-encryption.org/")
                            ? "unsupported age version (Forge reads age-encryption.org/v1)"
                            : "not an age file (no age-encryption.org/v1 header)");
        List<Stanza> stanzas = new ArrayList<>();
        String l = readLine(in, raw);
        while (l.startsWith("-> ")) {
            if (stanzas.size() >= MAX_STANZAS) throw new IntegrityException("age header has too many stanzas");
            List<String> args = Arrays.asList(l.substring(3).split(" ", -1));
            for (String a : args)
                if (a.isEmpty() || !a.chars().allMatch(c -> c > 32 && c < 127))
                    throw new IntegrityException("age header: a stanza argument that is empty or not printable");
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            StringBuilder b64 = new StringBuilder();
            while (true) {
                String bl = readLine(in, raw);
                if (bl.length() > 64) throw new IntegrityException("age header: a stanza body line over 64 columns");
                b64.append(bl);
                if (bl.length() < 64) break;
            }
            byte[] decoded = b64.isEmpty() ? new byte[0] : Primitives.unb64(b64.toString());
            if (decoded == null) throw new IntegrityException("age header: a stanza body that is not canonical base64");
            body.writeBytes(decoded);
            stanzas.add(new Stanza(args, body.toByteArray()));
            l = readLine(in, raw);
        }
        if (stanzas.isEmpty()) throw new IntegrityException("age header has no recipient stanza");
        if (stanzas.size() > 1 && stanzas.stream().anyMatch(s -> s.type().equals("scrypt")))
            throw new IntegrityException("age header: an scrypt stanza beside other stanzas");
        if (!l.startsWith("--- ")) throw new IntegrityException("age header does not end in a '---' MAC line");
        byte[] all = raw.toByteArray();
        // The MAC covers the header up to and including "---" (not the space, the MAC or the newline).
        int macInputLength = all.length - 1 - (l.length() - 3);
        byte[] mac = Primitives.unb64(l.substring(4));
        if (mac == null || mac.length != 32) throw new IntegrityException("age header MAC is not 32 bytes of base64");
        return new Header(stanzas, Arrays.copyOf(all, macInputLength), mac);
    }

    private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) throw new IntegrityException("age header is truncated");
            raw.write(c);
            if (c == '\n') return sb.toString();
            if (c < 32 || c > 126) throw new IntegrityException("age header has a byte that is not printable ASCII");
            if (sb.length() >= MAX_LINE) throw new IntegrityException("age header has a line too long");
            sb.append((char) c);
        }
    }

    private static byte[] chunkNonce(long counter, boolean last) {
        byte[] n = new byte[12];
        for (int i = 0; i < 8; i++) n[10 - i] = (byte) (counter >>> (8 * i));
        n[11] = (byte) (last ? 1 : 0);
        return n;
    }

    private static final class EncryptingStream extends FilterOutputStream {
        private final byte[] key;
        private final byte[] buf = new byte[CHUNK];
        private int fill;
        private long counter;
        private boolean closed;

        EncryptingStream(OutputStream out, byte[] key) {
            super(out);
            this.key = key;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) throw new IOException("stream closed");
            while (len > 0) {
                // A full buffer goes out as a non-final chunk only once more data shows it is not the last.
                if (fill == CHUNK) seal(false);
                int n = Math.min(len, CHUNK - fill);
                System.arraycopy(b, off, buf, fill, n);
                fill += n;
                off += n;
                len -= n;
            }
        }

        private void seal(boolean last) throws IOException {
            try {
                Cipher c = Primitives.chacha(Cipher.ENCRYPT_MODE, key, chunkNonce(counter++, last));
                out.write(c.doFinal(buf, 0, fill));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            fill = 0;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed) return;
            closed = true;
            try {
                seal(true);
                Primitives.wipe(key);
                Primitives.wipe(buf);
            } finally {
                out.close();
            }
        }
    }

    private static final class DecryptingStream extends InputStream {
        private final InputStream in;
        private final byte[] key;
        private final byte[] sealed = new byte[CHUNK + TAG];
        private byte[] plain = new byte[0];
        private int pos;
        private long counter;
        private boolean done;
        private int lookahead = -1;

        DecryptingStream(InputStream in, byte[] key) {
            this.in = in;
            this.key = key;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            while (pos == plain.length) {
                if (done) return -1;
                next();
            }
            int n = Math.min(len, plain.length - pos);
            System.arraycopy(plain, pos, b, off, n);
            pos += n;
            return n;
        }

        private void next() throws IOException {
            int n = 0;
            if (lookahead >= 0) {
                sealed[n++] = (byte) lookahead;
                lookahead = -1;
            }
            n += in.readNBytes(sealed, n, sealed.length - n);
            boolean last;
            if (n < sealed.length) last = true;
            else {
                lookahead = in.read();
                last = lookahead < 0;
            }
            if (n < TAG) throw new IntegrityException("age payload is truncated (chunk " + counter + ")");
            try {
                Cipher c = Primitives.chacha(Cipher.DECRYPT_MODE, key, chunkNonce(counter, last));
                plain = c.doFinal(sealed, 0, n);
            } catch (AEADBadTagException e) {
                throw new IntegrityException(
                        "age payload chunk " + counter + " does not verify: the file was altered or truncated");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            if (last && plain.length == 0 && counter > 0)
                throw new IntegrityException("age payload ends in an empty chunk");
            pos = 0;
            counter++;
            done = last;
        }

        @Override
        public void close() throws IOException {
            Primitives.wipe(key);
            in.close();
        }
    }
}
