package dev.forge.mirror.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.core.chunk.ChunkerParams;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The remote's {@code config} blob: the remote format version, the features the remote uses, and the
 * chunking parameters of the repositories that share it (a clone adopts them so that its chunks
 * deduplicate against the remote). A reader refuses a format newer than {@link #FORMAT} instead of
 * guessing at it. Additive changes do not bump the format; they are named features
 * (docs/format.md, "Versioning"): a client reads a remote only when it knows every one of its
 * {@code readerFeatures} ({@link #parse} refuses otherwise), and writes to it only when it also knows
 * every one of its {@code writerFeatures} ({@link #requireWritable}). A config without the lists (every
 * remote so far) uses no features.
 *
 * <pre>{"format": 1, "chunking": {"algorithm": "fastcdc2020", "min": 16384, "avg": 65536, "max": 262144},
 *  "readerFeatures": [...], "writerFeatures": [...]}</pre>
 */
public record RemoteConfig(
        int format,
        ChunkerParams chunking,
        Set<String> readerFeatures,
        Set<String> writerFeatures,
        Encryption encryption) {
    /**
     * The {@code "encryption"} object of an encrypted remote (reader and writer feature {@value #ENCRYPTION}):
     * the scheme, the current key epoch and the public fingerprint of that epoch's repository key
     * (docs/format.md, "Encrypted remotes").
     */
    public record Encryption(String scheme, int epoch, String keyId) {
        public static final String SCHEME = "forge-v1";
    }

    /** The feature of an encrypted remote: an older forge must neither read nor write it. */
    public static final String ENCRYPTION = "encryption";

    /** The remote format this code writes and the newest it reads. */
    public static final int FORMAT = 1;

    /**
     * The reader features this forge understands: {@code encryption} (dev.forge.mirror.crypt); {@code
     * purge}, contents that are missing on purpose and listed in {@code purged}
     * (dev.forge.mirror.RemoteRetention).
     */
    public static final Set<String> READER_FEATURES = Set.of("encryption", "purge");

    /**
     * The writer features this forge maintains when it writes: {@code pack-list}, the listings that
     * readers over plain HTTP need ({@code dev.forge.mirror.blob.Listings}); {@code gc}, the remote
     * gc protocol, under which every push holds a lease ({@code dev.forge.mirror.GcLocks}); {@code
     * retention}, the policy every gc applies; {@code purge}, the purge record.
     */
    public static final Set<String> WRITER_FEATURES = Set.of("pack-list", "gc", "encryption", "retention", "purge");

    private static final Pattern FEATURE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    public static final String BLOB = "config";
    private static final ObjectMapper JSON = new ObjectMapper();

    public RemoteConfig {
        readerFeatures = Set.copyOf(readerFeatures);
        writerFeatures = Set.copyOf(writerFeatures);
    }

    public RemoteConfig(int format, ChunkerParams chunking) {
        this(format, chunking, Set.of(), Set.of());
    }

    public RemoteConfig(int format, ChunkerParams chunking, Set<String> readerFeatures, Set<String> writerFeatures) {
        this(format, chunking, readerFeatures, writerFeatures, null);
    }

    /** This config marked encrypted under {@code e}: the reader and writer feature {@value #ENCRYPTION}. */
    public RemoteConfig withEncryption(Encryption e) {
        Set<String> r = new TreeSet<>(readerFeatures);
        r.add(ENCRYPTION);
        Set<String> w = new TreeSet<>(writerFeatures);
        w.add(ENCRYPTION);
        return new RemoteConfig(format, chunking, r, w, e);
    }

    /** This config with {@code feature} among its writer features. */
    public RemoteConfig withWriterFeature(String feature) {
        Set<String> w = new TreeSet<>(writerFeatures);
        w.add(feature);
        return new RemoteConfig(format, chunking, readerFeatures, w, encryption);
    }

    /** This config with {@code feature} among its reader features (and writer features: every writer keeps it up). */
    public RemoteConfig withReaderFeature(String feature) {
        Set<String> r = new TreeSet<>(readerFeatures);
        r.add(feature);
        Set<String> w = new TreeSet<>(writerFeatures);
        w.add(feature);
        return new RemoteConfig(format, chunking, r, w, encryption);
    }

    public static RemoteConfig of(ChunkerParams chunking) {
        return new RemoteConfig(FORMAT, chunking);
    }

    public byte[] encode() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", format);
        ObjectNode ch = root.putObject("chunking");
        ch.put("algorithm", "fastcdc2020");
        ch.put("min", chunking.minSize());
        ch.put("avg", chunking.avgSize());
        ch.put("max", chunking.maxSize());
        // Omitted when empty, so a remote without features keeps the config it always had.
        if (!readerFeatures.isEmpty()) new TreeSet<>(readerFeatures).forEach(root.putArray("readerFeatures")::add);
        if (!writerFeatures.isEmpty()) new TreeSet<>(writerFeatures).forEach(root.putArray("writerFeatures")::add);
        if (encryption != null) {
            ObjectNode e = root.putObject("encryption");
            e.put("scheme", encryption.scheme());
            e.put("epoch", encryption.epoch());
            e.put("keyId", encryption.keyId());
        }
        try {
            return (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses the config of the remote at {@code where}; refuses (exit 1: upgrading forge is the remedy,
     * not retrying) a newer format or a reader feature this forge does not know.
     */
    public static RemoteConfig parse(byte[] bytes, String where) {
        return parse(bytes, where, READER_FEATURES);
    }

    static RemoteConfig parse(byte[] bytes, String where, Set<String> readable) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IntegrityException("the remote " + where + " has a damaged config (not JSON)");
        }
        int format = root == null ? -1 : root.path("format").asInt(-1);
        if (format < 1)
            throw new IntegrityException("the remote " + where + " has a config without a valid format number");
        if (format > FORMAT) {
            throw new ForgeException("the remote " + where + " uses remote format " + format
                    + ", newer than this forge understands (" + FORMAT + "); upgrade forge to use it");
        }
        Set<String> readerFeatures = features(root, "readerFeatures", where);
        Set<String> writerFeatures = features(root, "writerFeatures", where);
        Set<String> unknown = new TreeSet<>(readerFeatures);
        unknown.removeAll(readable);
        if (!unknown.isEmpty()) {
            throw new ForgeException("the remote " + where + " uses " + describe(unknown)
                    + " that this forge does not understand; upgrade forge to use it");
        }
        JsonNode ch = root.path("chunking");
        if (!ch.path("algorithm").asText("fastcdc2020").equals("fastcdc2020")) {
            throw new ForgeException("the remote " + where + " uses chunking algorithm '"
                    + ch.path("algorithm").asText() + "', unknown to this forge");
        }
        try {
            ChunkerParams p = ch.isMissingNode()
                    ? ChunkerParams.DEFAULT
                    : new ChunkerParams(
                            ch.path("min").asInt(),
                            ch.path("avg").asInt(),
                            ch.path("max").asInt());
            return new RemoteConfig(format, p, readerFeatures, writerFeatures, encryption(root, readerFeatures, where));
        } catch (IllegalArgumentException e) {
            throw new IntegrityException("the remote " + where + " has invalid chunking parameters: " + e.getMessage());
        }
    }

    /**
     * Refuses to write (push, or anything else that changes the remote) to a remote that uses a writer
     * feature this forge does not maintain: its writes would leave the remote inconsistent for the
     * clients that rely on the feature. Reading such a remote is fine.
     */
    public void requireWritable(String where) {
        requireWritable(where, WRITER_FEATURES);
    }

    void requireWritable(String where, Set<String> writable) {
        Set<String> unknown = new TreeSet<>(writerFeatures);
        unknown.removeAll(writable);
        if (!unknown.isEmpty()) {
            throw new ForgeException(
                    "the remote " + where + " uses " + describe(unknown)
                            + " that this forge cannot keep up when it writes; upgrade forge to push to it (fetch and clone work)");
        }
    }

    private static String describe(Set<String> features) {
        return (features.size() == 1 ? "feature " : "features ") + "'" + String.join("', '", features) + "'";
    }

    /** The encryption object: required exactly when the reader feature says the remote is encrypted. */
    private static Encryption encryption(JsonNode root, Set<String> readerFeatures, String where) {
        JsonNode e = root.path("encryption");
        boolean feature = readerFeatures.contains(ENCRYPTION);
        if (e.isMissingNode() && !feature) return null;
        if (e.isMissingNode() || !feature || !e.isObject()) {
            throw new IntegrityException("the remote " + where
                    + " has a damaged config: 'encryption' and the reader feature 'encryption' must go together");
        }
        if (!Encryption.SCHEME.equals(e.path("scheme").asText())) {
            throw new ForgeException("the remote " + where + " is encrypted with scheme '"
                    + e.path("scheme").asText() + "', unknown to this forge; upgrade forge to use it");
        }
        int epoch = e.path("epoch").asInt(0);
        String keyId = e.path("keyId").asText("");
        if (epoch < 1 || !keyId.matches("[0-9a-f]{32}"))
            throw new IntegrityException("the remote " + where + " has a damaged config: bad 'encryption' object");
        return new Encryption(Encryption.SCHEME, epoch, keyId);
    }

    /** A feature list: absent is empty; anything but an array of feature names is a damaged config. */
    private static Set<String> features(JsonNode root, String key, String where) {
        JsonNode list = root.path(key);
        if (list.isMissingNode()) return Set.of();
        if (!list.isArray()) {
            throw new IntegrityException("the remote " + where + " has a damaged config: '" + key + "' is not a list");
        }
        Set<String> out = new TreeSet<>();
        for (JsonNode f : list) {
            if (!f.isTextual() || !FEATURE_NAME.matcher(f.asText()).matches()) {
                throw new IntegrityException(
                        "the remote " + where + " has a damaged config: bad feature name " + f + " in '" + key + "'");
            }
            out.add(f.asText());
        }
        return out;
    }
}
