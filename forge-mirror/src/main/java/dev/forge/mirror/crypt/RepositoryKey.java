package dev.forge.mirror.crypt;

import dev.forge.core.error.KeyException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.KDF;
import javax.crypto.Mac;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The repository key (RK) of an encrypted remote: 32 random bytes from which every other key derives with
 * HKDF-SHA-256 (docs/encryption.md, "What is derived from RK"). It is only ever stored wrapped to age
 * recipients ({@link RemoteKeys}). {@link #toString} never shows it.
 *
 * <p>The primitives are the JDK's (HKDF, HMAC-SHA-256, AES-CTR, ChaCha20-Poly1305); the constructions on top
 * (the blob format and the name scheme) are Forge's own formats, hence written here.
 */
public final class RepositoryKey {
    public static final int LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;
    private final int epoch;

    public RepositoryKey(byte[] key, int epoch) {
        if (key.length != LENGTH) throw new KeyException("a repository key is " + LENGTH + " bytes, not " + key.length);
        if (epoch < 1) throw new IllegalArgumentException("epoch " + epoch);
        this.key = key.clone();
        this.epoch = epoch;
    }

    public static RepositoryKey generate() {
        return new RepositoryKey(random(LENGTH), 1);
    }

    public int epoch() {
        return epoch;
    }

    /** The key itself, to wrap it: handle with care. */
    byte[] bytes() {
        return key.clone();
    }

    /**
     * A public fingerprint of the key (16 bytes of HKDF output, hex), kept in the remote's plaintext config so a
     * client holding a different key says so at once instead of failing on every blob. Reveals nothing of RK.
     */
    public String keyId() {
        byte[] id = derive(new byte[0], "forge/v1 key-id");
        return HexFormat.of().formatHex(id, 0, 16);
    }

    /** K_name_mac: the synthetic-IV key of encrypted blob names. */
    byte[] nameMacKey() {
        return derive(new byte[0], "forge/v1 names mac");
    }

    /** K_name_enc: the AES-256-CTR key of encrypted blob names. */
    byte[] nameEncKey() {
        return derive(new byte[0], "forge/v1 names enc");
    }

    /** The payload key of one blob: salt = its 16-byte nonce and epoch, info binds its plaintext name. */
    byte[] blobKey(byte[] nonce, int blobEpoch, String name) {
        byte[] salt = new byte[nonce.length + 4];
        System.arraycopy(nonce, 0, salt, 0, nonce.length);
        salt[nonce.length] = (byte) (blobEpoch >>> 24);
        salt[nonce.length + 1] = (byte) (blobEpoch >>> 16);
        salt[nonce.length + 2] = (byte) (blobEpoch >>> 8);
        salt[nonce.length + 3] = (byte) blobEpoch;
        return derive(salt, "forge/v1 blob " + name);
    }

    private byte[] derive(byte[] salt, String info) {
        try {
            KDF kdf = KDF.getInstance("HKDF-SHA256");
            var extract = HKDFParameterSpec.ofExtract().addIKM(key);
            if (salt.length > 0) extract = extract.addSalt(salt);
            return kdf.deriveData(extract.thenExpand(info.getBytes(StandardCharsets.UTF_8), 32));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 is not available in this JDK", e);
        }
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static byte[] hmac(byte[] k, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(k, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    static byte[] aesCtr(byte[] k, byte[] iv, byte[] data) {
        try {
            Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k, "AES"), new IvParameterSpec(iv));
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR is not available in this JDK", e);
        }
    }

    static Cipher chacha(int mode, byte[] k, byte[] nonce) {
        try {
            Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
            c.init(mode, new SecretKeySpec(k, "ChaCha20"), new IvParameterSpec(nonce));
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 is not available in this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "RepositoryKey[epoch " + epoch + ", id " + keyId() + "]";
    }
}
