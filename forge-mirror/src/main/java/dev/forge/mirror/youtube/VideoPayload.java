package dev.forge.mirror.youtube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.hash.Blake3;
import dev.forge.mirror.blob.BlobNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one YouTube video carries (docs/format.md, "YouTube mirror videos"): a batch of the mirror's stored
 * blobs (encrypted packs with their indexes, and a snapshot of the small blobs: config, wrapped keys, refs)
 * behind a JSON header naming the repository, the batch and every pack. Forge's own format, so hand-written:
 * {@code "FORGEYT\0"}, a u32 header length, the header (UTF-8 JSON), then each blob's bytes in header order.
 * The video codec adds the BLAKE3 of the whole payload; each blob also carries its own BLAKE3 here.
 */
public record VideoPayload(Header header, Map<String, byte[]> blobs) {
    static final byte[] MAGIC = "FORGEYT\0".getBytes(StandardCharsets.US_ASCII);
    public static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_HEADER = 16 << 20;

    /**
     * {@code repository}: the repository key id (the same for every video of one repository); {@code batch}: the
     * upload's sequence number; {@code packs}: the stored names of the packs it carries; {@code allPacks}: every pack
     * uploaded up to and including this batch (so a restore from the newest video knows what the others hold);
     * {@code complete}: nothing was left pending after it (its refs reach only uploaded packs).
     */
    public record Header(
            String label,
            String repository,
            long batch,
            String created,
            boolean complete,
            List<String> packs,
            List<String> allPacks) {
        public Header {
            packs = List.copyOf(packs);
            allPacks = List.copyOf(allPacks);
        }
    }

    public VideoPayload {
        blobs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(blobs));
    }

    public byte[] encode() {
        ObjectNode h = JSON.createObjectNode()
                .put("format", FORMAT)
                .put("label", header.label())
                .put("repository", header.repository())
                .put("batch", header.batch())
                .put("created", header.created())
                .put("complete", header.complete());
        header.packs().forEach(h.putArray("packs")::add);
        header.allPacks().forEach(h.putArray("allPacks")::add);
        var list = h.putArray("blobs");
        blobs.forEach((name, data) ->
                list.addObject().put("name", name).put("size", data.length).put("blake3", hash(data)));
        byte[] head;
        try {
            head = JSON.writeValueAsBytes(h);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.writeBytes(ByteBuffer.allocate(4).putInt(head.length).array());
        out.writeBytes(head);
        blobs.values().forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** Parses a payload; anything that is not one whole, consistent payload is an {@link IntegrityException}. */
    public static VideoPayload decode(byte[] p, String where) {
        if (p.length < MAGIC.length + 4 || !Arrays.equals(Arrays.copyOf(p, MAGIC.length), MAGIC))
            throw new IntegrityException(
                    where + " holds no Forge mirror payload (it may be a 'forge video encode' of" + " another file)");
        int len = ByteBuffer.wrap(p, MAGIC.length, 4).getInt();
        int at = MAGIC.length + 4;
        if (len < 2 || len > MAX_HEADER || len > p.length - at)
            throw new IntegrityException(where + ": the payload header is cut or too long");
        JsonNode h;
        try {
            h = JSON.readTree(Arrays.copyOfRange(p, at, at + len));
        } catch (IOException e) {
            throw new IntegrityException(where + ": the payload header is not JSON");
        }
        at += len;
        if (h == null || !h.isObject()) throw new IntegrityException(where + ": the payload header is not an object");
        if (h.path("format").asInt(-1) != FORMAT)
            throw new IntegrityException(where + " has payload format " + h.path("format")
                    + ", not one this forge reads (" + FORMAT + "): upgrade forge");
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        for (JsonNode b : h.path("blobs")) {
            String name = b.path("name").asText("");
            long size = b.path("size").asLong(-1);
            try {
                BlobNames.check(name);
            } catch (RuntimeException e) {
                throw new IntegrityException(where + ": bad blob name in the payload header");
            }
            if (size < 0 || size > p.length - at || blobs.containsKey(name))
                throw new IntegrityException(where + ": blob " + name + " is cut or listed twice");
            byte[] data = Arrays.copyOfRange(p, at, at + (int) size);
            at += (int) size;
            if (!hash(data).equals(b.path("blake3").asText("")))
                throw new IntegrityException(where + ": blob " + name + " does not match its BLAKE3");
            blobs.put(name, data);
        }
        if (at != p.length) throw new IntegrityException(where + ": bytes after the last blob");
        Header header = new Header(
                h.path("label").asText(""),
                h.path("repository").asText(""),
                h.path("batch").asLong(-1),
                h.path("created").asText(""),
                h.path("complete").asBoolean(false),
                strings(h.path("packs")),
                strings(h.path("allPacks")));
        for (String pack : header.packs())
            if (!blobs.containsKey(pack))
                throw new IntegrityException(where + ": pack " + pack + " is named but not carried");
        return new VideoPayload(header, blobs);
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(x -> out.add(x.asText()));
        return out;
    }

    static String hash(byte[] data) {
        return HexFormat.of()
                .formatHex(Blake3.newHasher().hash(data, 0, data.length).toBytes());
    }
}
