package dev.forge.mirror.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.core.chunk.ChunkerParams;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The remote's {@code config} blob: the remote format version and the chunking parameters of the
 * repositories that share it (a clone adopts them so that its chunks deduplicate against the remote).
 * A reader refuses a format newer than {@link #FORMAT} instead of guessing at it.
 *
 * <pre>{"format": 1, "chunking": {"algorithm": "fastcdc2020", "min": 16384, "avg": 65536, "max": 262144}}</pre>
 */
public record RemoteConfig(int format, ChunkerParams chunking) {
    /** The remote format this code writes and the newest it reads. */
    public static final int FORMAT = 1;

    public static final String BLOB = "config";
    private static final ObjectMapper JSON = new ObjectMapper();

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
        try {
            return (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses the config of the remote at {@code where}; refuses unknown future formats. */
    public static RemoteConfig parse(byte[] bytes, String where) {
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
            return new RemoteConfig(format, p);
        } catch (IllegalArgumentException e) {
            throw new IntegrityException("the remote " + where + " has invalid chunking parameters: " + e.getMessage());
        }
    }
}
