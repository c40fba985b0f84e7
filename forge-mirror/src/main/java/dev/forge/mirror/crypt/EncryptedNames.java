package dev.forge.mirror.crypt;

import dev.forge.core.error.InvalidInputException;
import dev.forge.mirror.blob.BlobNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Blob names of an encrypted remote. A plaintext name {@code packs/<id>.pack}, {@code refs/heads/main},
 * {@code locks/files/...} becomes {@code <dir>/<token>[<suffix>]}, where {@code dir} is the plaintext name's
 * first segment when it is one of {@code packs refs locks gc keys} (else {@code x}), the suffix {@code .pack} or
 * {@code .idx} is kept for packs (backends route packs by it, GitHub to release assets), and {@code token} is a
 * deterministic authenticated encryption of the whole plaintext name (SIV): IV = HMAC-SHA-256(K_name_mac,
 * padded name)[:16], then AES-256-CTR(K_name_enc, IV, padded name), IV || ciphertext in lower-case base32
 * without padding. The name is padded to a multiple of 16 bytes (0x80 then zeros).
 *
 * <p>Deterministic, so the same plaintext name always maps to the same stored name (a push finds a pack it sent
 * before; compare-and-swap addresses one blob), and reversible with the key, so a listing maps back without a side
 * index. The host learns only equality of names and their length rounded up to 16 bytes; never a chunk id, pack
 * id, branch, tag or path. A stored name that does not decrypt (another tool's file) decodes to empty.
 *
 * <p>Stored in plain: {@code config} and the wrapped keys {@code keys/<epoch>/recipients.age} and {@code
 * keys/<epoch>/passphrase.age}, which a client must read before it has the key.
 */
public final class EncryptedNames {
    private static final Pattern PLAIN = Pattern.compile("config|keys/[1-9][0-9]{0,8}/(recipients|passphrase)\\.age");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
    private static final int IV = 16;

    private final byte[] macKey;
    private final byte[] encKey;

    public EncryptedNames(RepositoryKey rk) {
        this.macKey = rk.nameMacKey();
        this.encKey = rk.nameEncKey();
    }

    /** Whether {@code name} is stored as it is (the config and the wrapped keys). */
    public static boolean plain(String name) {
        return PLAIN.matcher(name).matches();
    }

    /** The stored name of plaintext blob name {@code name}. */
    public String encode(String name) {
        BlobNames.check(name);
        if (plain(name)) return name;
        byte[] raw = name.getBytes(StandardCharsets.US_ASCII);
        byte[] padded = Arrays.copyOf(raw, (raw.length / 16 + 1) * 16);
        padded[raw.length] = (byte) 0x80;
        byte[] iv = Arrays.copyOf(RepositoryKey.hmac(macKey, padded), IV);
        byte[] ct = RepositoryKey.aesCtr(encKey, iv, padded);
        byte[] token = new byte[IV + ct.length];
        System.arraycopy(iv, 0, token, 0, IV);
        System.arraycopy(ct, 0, token, IV, ct.length);
        return dir(name) + "/" + base32(token) + suffix(name);
    }

    /** The plaintext name of stored name {@code stored}, or empty when it is not one this key wrote. */
    public Optional<String> decode(String stored) {
        if (plain(stored)) return Optional.of(stored);
        int slash = stored.indexOf('/');
        if (slash < 0) return Optional.empty();
        String dir = stored.substring(0, slash);
        String rest = stored.substring(slash + 1);
        String suffix = rest.endsWith(".pack") ? ".pack" : rest.endsWith(".idx") ? ".idx" : "";
        byte[] token = unbase32(rest.substring(0, rest.length() - suffix.length()));
        if (token == null || token.length < IV + 16 || (token.length - IV) % 16 != 0) return Optional.empty();
        byte[] iv = Arrays.copyOf(token, IV);
        byte[] padded = RepositoryKey.aesCtr(encKey, iv, Arrays.copyOfRange(token, IV, token.length));
        byte[] check = Arrays.copyOf(RepositoryKey.hmac(macKey, padded), IV);
        if (!MessageDigest.isEqual(check, iv)) return Optional.empty();
        int end = padded.length - 1;
        while (end >= 0 && padded[end] == 0) end--;
        if (end < 0 || padded[end] != (byte) 0x80) return Optional.empty();
        String name = new String(padded, 0, end, StandardCharsets.US_ASCII);
        try {
            BlobNames.check(name);
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
        // A valid token moved to another folder or suffix is not this name's blob.
        if (!dir.equals(dir(name)) || !suffix.equals(suffix(name)) || plain(name)) return Optional.empty();
        return Optional.of(name);
    }

    /**
     * The stored prefix to list for plaintext prefix {@code prefix}: its folder when the prefix names one
     * ({@code refs/heads/} lists {@code refs/}), else everything.
     */
    public static String listPrefix(String prefix) {
        int slash = prefix.indexOf('/');
        if (slash < 0) return "";
        return dir(prefix) + "/";
    }

    static String dir(String name) {
        int slash = name.indexOf('/');
        String first = slash < 0 ? "" : name.substring(0, slash);
        return switch (first) {
            case "packs", "refs", "locks", "gc", "keys" -> first;
            default -> "x";
        };
    }

    private static String suffix(String name) {
        if (!name.startsWith("packs/")) return "";
        return name.endsWith(".pack") ? ".pack" : name.endsWith(".idx") ? ".idx" : "";
    }

    static String base32(byte[] data) {
        StringBuilder sb = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                sb.append(ALPHABET.charAt((buffer >>> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) sb.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
        return sb.toString();
    }

    static byte[] unbase32(String s) {
        byte[] out = new byte[s.length() * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            int v = ALPHABET.indexOf(s.charAt(i));
            if (v < 0) return null;
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                if (n < out.length) out[n++] = (byte) (buffer >>> (bits - 8));
                bits -= 8;
            }
        }
        if (n != out.length || (buffer & ((1 << bits) - 1)) != 0) return null;
        return out;
    }
}
