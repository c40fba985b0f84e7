package dev.forge.mirror.youtube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.mirror.video.VideoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What this repository uploaded to a YouTube mirror ({@code .forge/remotes/NAME/youtube.json}, docs/format.md,
 * "YouTube upload record"): one entry per video, with the YouTube video id, the batch number its payload carries,
 * the stored names of its packs, its payload and file sizes and when it was uploaded. Written whole: temporary
 * file, fsync, rename.
 */
public record UploadRecord(long nextBatch, List<Video> videos, String lastRefs) {
    public static final String FILE = "youtube.json";
    public static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Video(
            String videoId, long batch, List<String> packs, long payloadBytes, long videoBytes, Instant uploaded) {
        public Video {
            packs = List.copyOf(packs);
        }
    }

    public UploadRecord {
        videos = List.copyOf(videos);
    }

    public static final UploadRecord EMPTY = new UploadRecord(1, List.of(), "");

    /** Every pack uploaded so far (stored names), in upload order. */
    public Set<String> packs() {
        Set<String> out = new LinkedHashSet<>();
        for (Video v : videos) out.addAll(v.packs());
        return out;
    }

    /** Videos uploaded since {@code since}. */
    public long uploadedSince(Instant since) {
        return videos.stream().filter(v -> !v.uploaded().isBefore(since)).count();
    }

    /** With video {@code v}, whose payload carried the config, keys and refs whose digest is {@code refs}. */
    public UploadRecord with(Video v, String refs) {
        List<Video> all = new ArrayList<>(videos);
        all.add(v);
        return new UploadRecord(Math.max(nextBatch, v.batch() + 1), all, refs);
    }

    public static UploadRecord read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return EMPTY;
        } catch (IOException e) {
            throw new IntegrityException("cannot read " + file + ": " + e.getMessage());
        }
        if (root == null
                || !root.path("videos").isArray()
                || root.path("format").asInt(-1) < 1)
            throw new IntegrityException(file + " is not a YouTube upload record (docs/format.md)");
        if (root.path("format").asInt() > FORMAT)
            throw new IntegrityException(
                    file + " has format " + root.path("format").asInt() + ", newer than this forge understands ("
                            + FORMAT + "): upgrade forge");
        List<Video> videos = new ArrayList<>();
        for (JsonNode v : root.path("videos")) {
            List<String> packs = new ArrayList<>();
            v.path("packs").forEach(p -> packs.add(p.asText()));
            Instant at;
            try {
                at = Instant.parse(v.path("uploaded").asText());
            } catch (RuntimeException e) {
                throw new IntegrityException(
                        file + ": bad date in video " + v.path("videoId").asText());
            }
            videos.add(new Video(
                    v.path("videoId").asText(),
                    v.path("batch").asLong(),
                    packs,
                    v.path("payloadBytes").asLong(),
                    v.path("videoBytes").asLong(),
                    at));
        }
        return new UploadRecord(
                root.path("nextBatch").asLong(1), videos, root.path("lastRefs").asText(""));
    }

    public void write(Path file) {
        ObjectNode root = JSON.createObjectNode()
                .put("format", FORMAT)
                .put("nextBatch", nextBatch)
                .put("lastRefs", lastRefs);
        var vs = root.putArray("videos");
        for (Video v : videos) {
            ObjectNode o = vs.addObject()
                    .put("videoId", v.videoId())
                    .put("batch", v.batch())
                    .put("payloadBytes", v.payloadBytes())
                    .put("videoBytes", v.videoBytes())
                    .put("uploaded", v.uploaded().toString());
            v.packs().forEach(o.putArray("packs")::add);
        }
        try {
            Files.createDirectories(file.getParent());
            VideoFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new ForgeException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
