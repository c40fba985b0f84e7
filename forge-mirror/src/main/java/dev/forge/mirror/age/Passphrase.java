package dev.forge.mirror.age;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.KeyException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * age's scrypt recipient and identity: a passphrase. Encrypts with work factor 2^18 (what the age command
 * uses); decrypts up to 2^{@value #MAX_LOG_N} (2^20 needs 1 GiB, more than a default JVM heap may give; age
 * itself accepts up to 2^22). scrypt comes from Bouncy Castle: the JDK has none.
 */
public final class Passphrase implements Recipient, Identity {
    static final int DEFAULT_LOG_N = 18;
    static final int MAX_LOG_N = 20;
    private static final byte[] LABEL = "age-encryption.org/v1/scrypt".getBytes(StandardCharsets.US_ASCII);
    private final byte[] passphrase;
    private final int logN;

    public Passphrase(String passphrase) {
        this(passphrase, DEFAULT_LOG_N);
    }

    /** A lower work factor is for tests only; decrypting accepts any up to the maximum. */
    Passphrase(String passphrase, int logN) {
        if (passphrase.isEmpty()) throw new KeyException("the passphrase is empty");
        this.passphrase = passphrase.getBytes(StandardCharsets.UTF_8);
        this.logN = logN;
    }

    @Override
    public Stanza wrap(byte[] fileKey) {
        byte[] salt = Primitives.random(16);
        byte[] key = derive(salt, logN);
        Stanza s = new Stanza(
                List.of("scrypt", Primitives.b64(salt), Integer.toString(logN)), Primitives.seal(key, fileKey));
        Primitives.wipe(key);
        return s;
    }

    @Override
    public Optional<byte[]> unwrap(List<Stanza> stanzas) {
        for (Stanza s : stanzas) {
            if (!s.type().equals("scrypt")) continue;
            if (stanzas.size() != 1) throw new IntegrityException("age header: an scrypt stanza beside other stanzas");
            if (s.args().size() != 3) throw new IntegrityException("age header: an scrypt stanza without 3 arguments");
            byte[] salt = Primitives.unb64(s.args().get(1));
            if (salt == null || salt.length != 16)
                throw new IntegrityException("age header: an scrypt salt that is not 16 bytes of base64");
            String n = s.args().get(2);
            if (!n.matches("[1-9][0-9]{0,1}"))
                throw new IntegrityException("age header: an scrypt work factor that is not a small decimal");
            int logN = Integer.parseInt(n);
            if (logN > MAX_LOG_N)
                throw new KeyException("the passphrase file asks for scrypt work factor 2^" + logN
                        + ", more than the 2^" + MAX_LOG_N + " Forge accepts");
            byte[] body = s.body();
            if (body.length != 32) throw new IntegrityException("age header: an scrypt stanza's body is not 32 bytes");
            byte[] key = derive(salt, logN);
            Optional<byte[]> fileKey = Primitives.open(key, body);
            Primitives.wipe(key);
            return fileKey;
        }
        return Optional.empty();
    }

    private byte[] derive(byte[] salt, int logN) {
        byte[] s = new byte[LABEL.length + salt.length];
        System.arraycopy(LABEL, 0, s, 0, LABEL.length);
        System.arraycopy(salt, 0, s, LABEL.length, salt.length);
        return SCrypt.generate(passphrase, s, 1 << logN, 8, 1, 32);
    }

    @Override
    public String toString() {
        return "Passphrase[scrypt 2^" + logN + "]";
    }
}
