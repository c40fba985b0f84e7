package dev.forge.storage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.forge.core.chunk.ChunkerParams;
import dev.forge.core.codec.CompressionPolicy;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.port.RepoConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code .forge/config}: a small JSON document (docs/format.md, "Config"). Written to a temp file,
 * fsynced, then renamed over the old one, so it is always either the old or the new config.
 */
final class ConfigFile {
    static final String CHUNKER = "fastcdc2020";
    // Written with jackson-core's streaming generator (databind would load ~300 classes for a ten-line
    // file); read by ConfigJson (jackson-core's parser initialises BigDecimal, see there).
    private static final JsonFactory JSON = new JsonFactory();

    private ConfigFile() {}

    static void write(Path file, RepoConfig c) {
        try {
            java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
            try (JsonGenerator g = JSON.createGenerator(buf)) {
                g.useDefaultPrettyPrinter();
                g.writeStartObject();
                g.writeNumberField("format", Math.max(c.format(), RepoConfig.FORMAT));
                g.writeObjectFieldStart("chunking");
                g.writeStringField("algorithm", CHUNKER);
                g.writeNumberField("min", c.chunking().minSize());
                g.writeNumberField("avg", c.chunking().avgSize());
                g.writeNumberField("max", c.chunking().maxSize());
                g.writeEndObject();
                g.writeStringField("compression", c.compression().name().toLowerCase(java.util.Locale.ROOT));
                g.writeObjectFieldStart("gc");
                g.writeNumberField("graceDays", c.gcGraceDays());
                g.writeEndObject();
                if (c.userName() != null || c.userEmail() != null) {
                    g.writeObjectFieldStart("user");
                    if (c.userName() != null) g.writeStringField("name", c.userName());
                    if (c.userEmail() != null) g.writeStringField("email", c.userEmail());
                    g.writeEndObject();
                }
                if (c.remoteTimeout() != null || c.remoteMaxWait() != null) {
                    g.writeObjectFieldStart("remote");
                    if (c.remoteTimeout() != null) g.writeNumberField("timeout", c.remoteTimeout());
                    if (c.remoteMaxWait() != null) g.writeNumberField("maxWait", c.remoteMaxWait());
                    g.writeEndObject();
                }
                if (!c.remotePrices().isEmpty()) {
                    // Per remote; a remote name may hold '.', so these live apart from "remote".
                    g.writeObjectFieldStart("remotePricePerGiBMonth");
                    for (var e : c.remotePrices().entrySet()) g.writeStringField(e.getKey(), e.getValue());
                    g.writeEndObject();
                }
                if (c.storeMaxSize() != null) {
                    g.writeObjectFieldStart("store");
                    g.writeNumberField("maxSize", c.storeMaxSize());
                    g.writeEndObject();
                }
                if (!c.remotePeers().isEmpty()) {
                    g.writeObjectFieldStart("remotePeers");
                    for (var e : c.remotePeers().entrySet()) g.writeStringField(e.getKey(), e.getValue());
                    g.writeEndObject();
                }
                if (c.lockReadOnly() != null || c.lockMainline() != null || c.lockLockable() != null) {
                    g.writeObjectFieldStart("lock");
                    if (c.lockReadOnly() != null) g.writeBooleanField("readOnly", c.lockReadOnly());
                    if (c.lockMainline() != null) g.writeStringField("mainline", c.lockMainline());
                    if (c.lockLockable() != null) g.writeStringField("lockable", c.lockLockable());
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, buf.toByteArray());
            try (FileChannel f = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                f.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            FileSync.directory(file.getParent());
        } catch (IOException e) {
            throw new ForgeException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static RepoConfig read(Path file) {
        Map<String, String> values = new HashMap<>();
        try {
            if (!ConfigJson.read(Files.readAllBytes(file), values))
                throw new IntegrityException("the repository config " + file + " is not a JSON object");
        } catch (IOException e) {
            throw new IntegrityException(
                    "cannot read the repository config " + file + ": " + firstLine(e.getMessage()));
        }
        int format = intValue(values, "format", -1, file);
        if (format < 1) throw new IntegrityException("the repository config " + file + " has no valid format number");
        if (format > RepoConfig.FORMAT) {
            // Exit 5 like any config this forge cannot trust: a newer forge's, or a damaged digit.
            throw new IntegrityException("this repository has format " + format + ", newer than this forge"
                    + " understands (" + RepoConfig.FORMAT + "): upgrade forge (or " + file + " is damaged)");
        }
        String algorithm = values.getOrDefault("chunking.algorithm", CHUNKER);
        if (!CHUNKER.equals(algorithm)) {
            // Only this algorithm has ever been written: another name is a damaged config (a flipped
            // byte turns 'fastcdc2020' into 'fastcdc:020'), so it is an integrity error, exit 5.
            throw new IntegrityException("the repository config " + file + " names chunking algorithm '" + algorithm
                    + "', unknown to this forge: the file is damaged (or from a newer forge)");
        }
        try {
            ChunkerParams p = new ChunkerParams(
                    intValue(values, "chunking.min", 0, file),
                    intValue(values, "chunking.avg", 0, file),
                    intValue(values, "chunking.max", 0, file));
            CompressionPolicy policy = CompressionPolicy.parse(values.getOrDefault("compression", "auto"));
            int grace = intValue(values, "gc.graceDays", RepoConfig.DEFAULT_GC_GRACE_DAYS, file);
            Integer timeout = values.containsKey("remote.timeout") ? intValue(values, "remote.timeout", 0, file) : null;
            Integer maxWait = values.containsKey("remote.maxWait") ? intValue(values, "remote.maxWait", 0, file) : null;
            Boolean lockReadOnly =
                    values.containsKey("lock.readOnly") ? Boolean.valueOf(values.get("lock.readOnly")) : null;
            return new RepoConfig(
                    format,
                    p,
                    policy,
                    grace,
                    values.get("user.name"),
                    values.get("user.email"),
                    timeout,
                    maxWait,
                    lockReadOnly,
                    values.get("lock.mainline"),
                    values.get("lock.lockable"),
                    perRemote(values, "remotePricePerGiBMonth."),
                    perRemote(values, "remotePeers."),
                    values.containsKey("store.maxSize") ? longValue(values, "store.maxSize", file) : null);
        } catch (IllegalArgumentException e) {
            throw new IntegrityException("the repository config " + file + " is invalid: " + e.getMessage());
        }
    }

    private static java.util.SortedMap<String, String> perRemote(Map<String, String> values, String prefix) {
        java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) out.put(k.substring(prefix.length()), v);
        });
        return out;
    }

    private static int intValue(Map<String, String> values, String key, int missing, Path file) {
        String v = values.get(key);
        if (v == null) return missing;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IntegrityException(
                    "the repository config " + file + " has a non-numeric " + key + ": '" + v + "'");
        }
    }

    private static long longValue(Map<String, String> values, String key, Path file) {
        String v = values.get(key);
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IntegrityException(
                    "the repository config " + file + " has a non-numeric " + key + ": '" + v + "'");
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
