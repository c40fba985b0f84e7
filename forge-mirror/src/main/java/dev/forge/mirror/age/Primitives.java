package dev.forge.mirror.age;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KDF;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** The JDK's primitives as age uses them: X25519 (XDH), HKDF-SHA-256 (javax.crypto.KDF), ChaCha20-Poly1305, HMAC. */
final class Primitives {
    static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] BASEPOINT = basepoint();

    private Primitives() {}

    static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** HKDF-SHA-256 (RFC 5869) with a 32-byte output; an empty salt is the RFC's default salt. */
    static byte[] hkdf(byte[] ikm, byte[] salt, String info) {
        try {
            KDF kdf = KDF.getInstance("HKDF-SHA256");
            var extract = HKDFParameterSpec.ofExtract().addIKM(ikm);
            if (salt.length > 0) extract = extract.addSalt(salt);
            return kdf.deriveData(extract.thenExpand(info.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 32));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 is not available in this JDK", e);
        }
    }

    static byte[] hmacSha256(byte[] key, byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    static Cipher chacha(int mode, byte[] key, byte[] nonce) {
        try {
            Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
            c.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 is not available in this JDK", e);
        }
    }

    /** Seals with a fixed all-zero nonce: only for keys used once (age's stanza wrap keys). */
    static byte[] seal(byte[] key, byte[] plaintext) {
        try {
            return chacha(Cipher.ENCRYPT_MODE, key, new byte[12]).doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens what {@link #seal} sealed; empty when the tag does not verify (wrong key or altered bytes). */
    static Optional<byte[]> open(byte[] key, byte[] ciphertext) {
        try {
            return Optional.of(chacha(Cipher.DECRYPT_MODE, key, new byte[12]).doFinal(ciphertext));
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** X25519(scalar, u) per RFC 7748; empty when the result is all zeros (a small-order point). */
    static Optional<byte[]> x25519(byte[] scalar, byte[] u) {
        try {
            KeyFactory kf = KeyFactory.getInstance("XDH");
            PrivateKey priv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar.clone()));
            PublicKey pub = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, littleEndian(u)));
            KeyAgreement ka = KeyAgreement.getInstance("XDH");
            ka.init(priv);
            ka.doPhase(pub, true);
            byte[] shared = ka.generateSecret();
            boolean zero = true;
            for (byte b : shared) zero &= b == 0;
            return zero ? Optional.empty() : Optional.of(shared);
        } catch (InvalidKeyException e) {
            // The JDK refuses a shared secret of all zeros ("Point has small order").
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is not available in this JDK", e);
        }
    }

    static byte[] x25519Base(byte[] scalar) {
        return x25519(scalar, BASEPOINT).orElseThrow(() -> new IllegalStateException("X25519 of the base point"));
    }

    /** RFC 7748: the u-coordinate is little-endian and its top bit is ignored. */
    private static BigInteger littleEndian(byte[] u) {
        byte[] be = new byte[u.length];
        for (int i = 0; i < u.length; i++) be[i] = u[u.length - 1 - i];
        be[0] &= 0x7f;
        return new BigInteger(1, be);
    }

    private static byte[] basepoint() {
        byte[] b = new byte[32];
        b[0] = 9;
        return b;
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().withoutPadding().encodeToString(b);
    }

    /** Canonical unpadded base64 only (age's rule); null when s is anything else. */
    static byte[] unb64(String s) {
        if (s.indexOf('=') >= 0) return null;
        byte[] b;
        try {
            b = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return b64(b).equals(s) ? b : null;
    }

    static boolean constantTimeEquals(byte[] a, byte[] b) {
        return java.security.MessageDigest.isEqual(a, b);
    }

    static void wipe(byte[] b) {
        if (b != null) Arrays.fill(b, (byte) 0);
    }
}
