package dev.forge.mirror.age;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.KeyException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AgeTest {
    @Test
    void specKeyEncodings() {
        // The example identity and recipient of c2sp.org/age.
        X25519Identity id =
                X25519Identity.parse("AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX");
        assertEquals(
                "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj",
                id.recipient().toString());
        assertEquals("AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX", id.encode());
        assertEquals(id.recipient(), X25519Recipient.parse(id.recipient().toString()));
    }

    @Test
    void badKeysAreRefusedWithoutEchoingThem() {
        String secret = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEY";
        var e = assertThrows(InvalidInputException.class, () -> X25519Identity.parse(secret));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        assertTrue(!e.getMessage().contains("GFPYYSJZ"), e.getMessage());
        assertThrows(
                InvalidInputException.class,
                () -> X25519Recipient.parse("age1ZVKYG2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"));
        assertThrows(
                InvalidInputException.class,
                () -> X25519Identity.parse("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"));
    }

    @Test
    void roundTripsAtChunkBoundaries() {
        X25519Identity id = X25519Identity.generate();
        Random r = new Random(7);
        for (int size : new int[] {0, 1, Age.CHUNK - 1, Age.CHUNK, Age.CHUNK + 1, 2 * Age.CHUNK, 3 * Age.CHUNK + 17}) {
            byte[] data = new byte[size];
            r.nextBytes(data);
            byte[] enc = Age.encrypt(data, List.of(id.recipient()));
            int chunks = Math.max(1, (size + Age.CHUNK - 1) / Age.CHUNK);
            int headerEnd = indexOf(enc, "--- ".getBytes(StandardCharsets.US_ASCII)) + 4 + 43 + 1;
            assertEquals(headerEnd + 16 + size + 16 * chunks, enc.length, "size " + size);
            assertArrayEquals(data, Age.decrypt(enc, List.of(id)), "size " + size);
        }
    }

    @Test
    void streamsInOddPieces() throws Exception {
        X25519Identity id = X25519Identity.generate();
        byte[] data = new byte[5 * Age.CHUNK + 123];
        new Random(3).nextBytes(data);
        var out = new java.io.ByteArrayOutputStream();
        try (var enc = Age.encrypting(out, List.of(id.recipient()))) {
            Random r = new Random(4);
            for (int off = 0; off < data.length; ) {
                int n = Math.min(data.length - off, r.nextInt(100_000));
                if (n == 1) enc.write(data[off]);
                else enc.write(data, off, n);
                off += n;
            }
        }
        assertArrayEquals(data, Age.decrypt(out.toByteArray(), List.of(id)));
        try (var dec = Age.decrypting(new java.io.ByteArrayInputStream(out.toByteArray()), List.of(id))) {
            var back = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[777];
            for (int n; (n = dec.read(buf, 0, 1 + back.size() % 777)) > 0; ) back.write(buf, 0, n);
            assertArrayEquals(data, back.toByteArray());
        }
    }

    @Test
    void severalRecipientsEachOpenIt() {
        X25519Identity a = X25519Identity.generate();
        X25519Identity b = X25519Identity.generate();
        byte[] enc = Age.encrypt("hello".getBytes(StandardCharsets.UTF_8), List.of(a.recipient(), b.recipient()));
        assertEquals(List.of("X25519", "X25519"), Age.stanzaTypes(enc));
        assertEquals("hello", new String(Age.decrypt(enc, List.of(b)), StandardCharsets.UTF_8));
        assertEquals("hello", new String(Age.decrypt(enc, List.of(a)), StandardCharsets.UTF_8));
    }

    @Test
    void wrongKeyIsAKeyError() {
        byte[] enc = Age.encrypt(new byte[10], List.of(X25519Identity.generate().recipient()));
        var e = assertThrows(KeyException.class, () -> Age.decrypt(enc, List.of(X25519Identity.generate())));
        assertTrue(e.getMessage().contains("no identity"), e.getMessage());
        var p = assertThrows(KeyException.class, () -> Age.decrypt(enc, List.of(new Passphrase("x", 10))));
        assertTrue(p.getMessage().contains("no identity"), p.getMessage());
    }

    @Test
    void passphraseRoundTripAndWrongPassphrase() {
        byte[] enc =
                Age.encrypt("token".getBytes(StandardCharsets.UTF_8), List.of(new Passphrase("correct horse", 10)));
        assertEquals(List.of("scrypt"), Age.stanzaTypes(enc));
        assertEquals(
                "token",
                new String(Age.decrypt(enc, List.of(new Passphrase("correct horse"))), StandardCharsets.UTF_8));
        var e = assertThrows(KeyException.class, () -> Age.decrypt(enc, List.of(new Passphrase("wrong"))));
        assertTrue(e.getMessage().contains("wrong passphrase"), e.getMessage());
        var n = assertThrows(KeyException.class, () -> Age.decrypt(enc, List.of(X25519Identity.generate())));
        assertTrue(n.getMessage().contains("encrypted with a passphrase"), n.getMessage());
    }

    @Test
    void tamperedHeaderOrPayloadIsAnIntegrityError() {
        X25519Identity id = X25519Identity.generate();
        byte[] data = new byte[3 * Age.CHUNK];
        new Random(1).nextBytes(data);
        byte[] enc = Age.encrypt(data, List.of(id.recipient()));
        int mac = indexOf(enc, "--- ".getBytes(StandardCharsets.US_ASCII));

        byte[] version = enc.clone();
        version[4] = 'X';
        assertThrows(IntegrityException.class, () -> Age.decrypt(version, List.of(id)));

        byte[] macByte = enc.clone();
        macByte[mac + 10] = (byte) (macByte[mac + 10] == 'A' ? 'B' : 'A');
        var m = assertThrows(IntegrityException.class, () -> Age.decrypt(macByte, List.of(id)));
        assertTrue(m.getMessage().contains("MAC"), m.getMessage());

        // An extra stanza the identity ignores still changes what the MAC covers.
        String text = new String(enc, 0, mac, StandardCharsets.ISO_8859_1);
        byte[] extra = (text.replace("age-encryption.org/v1\n", "age-encryption.org/v1\n-> other arg\n\n")
                        + new String(enc, mac, enc.length - mac, StandardCharsets.ISO_8859_1))
                .getBytes(StandardCharsets.ISO_8859_1);
        var x = assertThrows(IntegrityException.class, () -> Age.decrypt(extra, List.of(id)));
        assertTrue(x.getMessage().contains("MAC"), x.getMessage());

        for (int at : new int[] {mac + 4 + 43 + 1 + 3, mac + 100, enc.length - 1, enc.length - 20}) {
            byte[] t = enc.clone();
            t[at] ^= 1;
            var p = assertThrows(IntegrityException.class, () -> Age.decrypt(t, List.of(id)), "byte " + at);
            assertTrue(p.getMessage().contains("altered"), p.getMessage());
        }
        // Truncated at a chunk boundary: the last chunk left was not sealed as final.
        byte[] cut = java.util.Arrays.copyOf(enc, mac + 4 + 43 + 1 + 16 + 2 * (Age.CHUNK + 16));
        assertThrows(IntegrityException.class, () -> Age.decrypt(cut, List.of(id)));
        byte[] header = java.util.Arrays.copyOf(enc, mac + 10);
        assertThrows(IntegrityException.class, () -> Age.decrypt(header, List.of(id)));
        assertThrows(
                IntegrityException.class, () -> Age.decrypt("hello".getBytes(StandardCharsets.US_ASCII), List.of(id)));
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
