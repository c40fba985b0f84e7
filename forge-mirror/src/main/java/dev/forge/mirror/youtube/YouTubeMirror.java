package dev.forge.mirror.youtube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.core.error.ForgeException;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.Remote;
import dev.forge.mirror.RemoteUrl;
import dev.forge.mirror.auth.FoundToken;
import dev.forge.mirror.auth.OAuthRefresh;
import dev.forge.mirror.auth.Provider;
import dev.forge.mirror.auth.TokenStore;
import dev.forge.mirror.blob.FileBlobStore;
import dev.forge.mirror.crypt.EncryptingBlobStore;
import dev.forge.mirror.video.Ffmpeg;
import dev.forge.mirror.video.FrameLayout;
import dev.forge.mirror.video.StreamPlan;
import dev.forge.mirror.video.VideoDecoder;
import dev.forge.mirror.video.VideoEncoder;
import dev.forge.mirror.video.VideoFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The YouTube mirror (issue 18): YouTube is write-only for Forge (the Data API cannot download a video), so a
 * push to a {@code youtube://} mirror lands in a local staging store ({@code .forge/remotes/NAME/youtube/store},
 * an encrypted Forge remote like any other), and {@link #upload} then takes the packs not uploaded yet, packs
 * many of them into one video payload ({@link VideoPayload}: the quota counts videos, not bytes), encodes it with
 * the video codec through ffmpeg and uploads it ({@link YouTubeUploader}). Each uploaded video is recorded
 * ({@link UploadRecord}) and its packs' bodies leave the staging store (their indexes stay, so the next push
 * sends only what is new). When the daily quota is used up the rest stays pending for the next push or {@code
 * forge mirror sync}; a push never fails because of it.
 */
public final class YouTubeMirror {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reed-Solomon parity bytes per codeword inside a frame: forge video encode's default (docs/benchmarks.md). */
    static final int INNER_PARITY = 32;

    private YouTubeMirror() {}

    /** The staging store of the mirror whose local state is {@code state}. */
    public static Path store(Path state) {
        return state.resolve("youtube").resolve("store");
    }

    public static Path recordFile(Path state) {
        return state.resolve(UploadRecord.FILE);
    }

    /** Turns a payload into the video file to upload. */
    @FunctionalInterface
    public interface VideoWriter {
        void write(byte[] payload, Path out) throws IOException;
    }

    /** A pack waiting for upload: its plaintext name ({@code packs/ID.pack}) and its bytes with its index, as stored. */
    public record Pack(String name, long bytes) {}

    /**
     * Groups {@code pending} (in order) into at most {@code videos} batches of at most {@code videoBytes} each; a
     * pack larger than {@code videoBytes} travels alone. What does not fit stays out (pending).
     */
    public static List<List<Pack>> batches(List<Pack> pending, long videoBytes, int videos) {
        List<List<Pack>> out = new ArrayList<>();
        List<Pack> current = new ArrayList<>();
        long size = 0;
        for (Pack p : pending) {
            if (!current.isEmpty() && size + p.bytes() > videoBytes) {
                out.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            if (out.size() >= videos) break;
            current.add(p);
            size += p.bytes();
        }
        if (!current.isEmpty() && out.size() < videos) out.add(current);
        return out;
    }

    /**
     * What one upload run did: videos and packs uploaded, what is still pending, and why it stopped early
     * ({@code stopped}: the quota's reason or the per-day limit; null when nothing is left).
     */
    public record Result(
            List<String> videoIds,
            int packsUploaded,
            long payloadBytes,
            int packsPending,
            long bytesPending,
            String stopped) {}

    /** What is uploaded and what is pending, from the record and the staging store. */
    public record Status(
            int videos, int packsUploaded, long payloadBytes, Instant last, int packsPending, long bytesPending) {}

    public static Status status(Remote remote) {
        UploadRecord rec = UploadRecord.read(recordFile(remote.stateDir()));
        List<Pack> pending = Files.isDirectory(store(remote.stateDir())) && hasConfig(remote)
                ? pending(remote, rec.packs())
                : List.of();
        return new Status(
                rec.videos().size(),
                rec.packs().size(),
                rec.videos().stream()
                        .mapToLong(UploadRecord.Video::payloadBytes)
                        .sum(),
                rec.videos().isEmpty() ? null : rec.videos().getLast().uploaded(),
                pending.size(),
                pending.stream().mapToLong(Pack::bytes).sum());
    }

    private static boolean hasConfig(Remote remote) {
        return Files.exists(store(remote.stateDir()).resolve("config"));
    }

    /** The packs in the staging store that no recorded video carries, oldest first. */
    static List<Pack> pending(Remote remote, Set<String> uploaded) {
        EncryptingBlobStore enc = remote.encryptingStore();
        FileBlobStore raw = new FileBlobStore(store(remote.stateDir()));
        List<BlobStore.BlobInfo> infos = new ArrayList<>(enc.list("packs/"));
        List<Pack> out = new ArrayList<>();
        List<Pack> sorted = new ArrayList<>();
        for (BlobStore.BlobInfo b : infos) {
            if (!b.name().endsWith(".pack") || uploaded.contains(b.name())) continue;
            var stored = raw.stat(enc.storedName(b.name()));
            var idx = raw.stat(enc.storedName(idxOf(b.name())));
            if (stored.isEmpty() || idx.isEmpty()) continue;
            sorted.add(new Pack(b.name(), stored.get().length() + idx.get().length()));
        }
        // Oldest first: the order the packs reached the staging store (data packs before the metadata that names them).
        sorted.sort(java.util.Comparator.comparing((Pack p) -> modified(raw, enc.storedName(p.name())))
                .thenComparing(Pack::name));
        out.addAll(sorted);
        return out;
    }

    private static long modified(FileBlobStore raw, String stored) {
        try {
            return Files.getLastModifiedTime(raw.root().resolve(stored)).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    static String idxOf(String pack) {
        return pack.substring(0, pack.length() - ".pack".length()) + ".idx";
    }

    /**
     * Uploads what is pending: at most {@code url.perDay()} videos in the last 24 hours (the record counts them),
     * each carrying at most {@code url.videoBytes()} of packs and a snapshot of the small blobs (config, wrapped
     * keys, refs). Stops without failing on a quota error; any other failure propagates (the rest stays pending).
     */
    public static Result upload(
            Remote remote, RemoteUrl.YouTube url, YouTubeUploader uploader, VideoWriter writer, Clock clock)
            throws InterruptedException {
        Path state = remote.stateDir();
        Path recordFile = recordFile(state);
        UploadRecord rec = UploadRecord.read(recordFile);
        if (!hasConfig(remote)) return new Result(List.of(), 0, 0, 0, 0, null);
        EncryptingBlobStore enc = remote.encryptingStore();
        FileBlobStore raw = new FileBlobStore(store(state));
        String repository = enc.key().keyId();
        List<Pack> pending = pending(remote, rec.packs());
        long today = rec.uploadedSince(clock.instant().minus(Duration.ofDays(1)));
        int allowed = (int) Math.max(0, url.perDay() - today);
        List<List<Pack>> plan = new ArrayList<>(batches(pending, url.videoBytes(), allowed));
        // Nothing new to carry but the refs moved (a branch made or moved onto uploaded commits): a video of its own.
        if (pending.isEmpty() && allowed > 0 && !rec.lastRefs().equals(refsDigest(raw))) plan.add(List.of());
        List<String> ids = new ArrayList<>();
        int packsDone = 0;
        long bytesDone = 0;
        String stopped = null;
        Path outgoing = state.resolve("youtube").resolve("outgoing");
        for (int i = 0; i < plan.size(); i++) {
            List<Pack> batch = plan.get(i);
            boolean complete =
                    i == plan.size() - 1 && plan.stream().mapToInt(List::size).sum() == pending.size();
            List<String> allPacks = new ArrayList<>(storedNames(enc, rec.packs()));
            Map<String, byte[]> blobs = new LinkedHashMap<>();
            List<String> stored = new ArrayList<>();
            for (Pack p : batch) {
                String s = enc.storedName(p.name());
                stored.add(s);
                allPacks.add(s);
                blobs.put(s, read(raw, s));
                String idx = enc.storedName(idxOf(p.name()));
                blobs.put(idx, read(raw, idx));
            }
            for (BlobStore.BlobInfo b : raw.list("")) {
                if (!b.name().startsWith("packs/")) blobs.put(b.name(), read(raw, b.name()));
            }
            long batchNo = rec.nextBatch();
            Instant now = clock.instant();
            VideoPayload payload = new VideoPayload(
                    new VideoPayload.Header(
                            url.label(), repository, batchNo, now.toString(), complete, stored, allPacks),
                    blobs);
            byte[] bytes = payload.encode();
            Path video = outgoing.resolve("batch-" + batchNo + ".mp4");
            String id;
            long videoBytes;
            try {
                Files.createDirectories(outgoing);
                Files.deleteIfExists(video);
                writer.write(bytes, video);
                videoBytes = Files.size(video);
                id = uploader.upload(resource(url, repository, batchNo, batch.size(), bytes.length), video);
            } catch (YouTubeUploader.QuotaExceeded q) {
                stopped = "YouTube's upload quota is used up (" + q.getMessage() + "); the rest stays pending";
                break;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                try {
                    Files.deleteIfExists(video);
                } catch (IOException ignored) {
                    // a temporary file; the next run replaces it
                }
            }
            rec = rec.with(
                    new UploadRecord.Video(
                            id, batchNo, batch.stream().map(Pack::name).toList(), bytes.length, videoBytes, now),
                    refsDigest(blobs));
            rec.write(recordFile);
            // The video is recorded: the pack bodies may leave the staging store (their indexes stay).
            for (String s : stored) raw.delete(s);
            ids.add(id);
            packsDone += batch.size();
            bytesDone += bytes.length;
        }
        int leftPacks = pending.size() - packsDone;
        long leftBytes = pending.stream().skip(packsDone).mapToLong(Pack::bytes).sum();
        if (stopped == null && leftPacks > 0)
            stopped = "the mirror's limit of " + url.perDay() + " videos a day is reached; the rest stays pending";
        return new Result(List.copyOf(ids), packsDone, bytesDone, leftPacks, leftBytes, stopped);
    }

    /** A digest of what restore takes as the mirror's state (config, wrapped keys, refs), to see when it moved. */
    static String refsDigest(FileBlobStore raw) {
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        for (BlobStore.BlobInfo b : raw.list("")) {
            if (!b.name().startsWith("packs/")) blobs.put(b.name(), read(raw, b.name()));
        }
        return refsDigest(blobs);
    }

    private static String refsDigest(Map<String, byte[]> blobs) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        new java.util.TreeMap<>(blobs).forEach((n, data) -> {
            if (n.equals("config") || n.startsWith("keys/") || n.startsWith("refs/")) {
                all.writeBytes(n.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                all.write(0);
                all.writeBytes(VideoPayload.hash(data).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        });
        return VideoPayload.hash(all.toByteArray());
    }

    private static List<String> storedNames(EncryptingBlobStore enc, Set<String> plain) {
        return plain.stream().map(enc::storedName).toList();
    }

    private static byte[] read(FileBlobStore raw, String name) {
        return raw.get(name)
                .orElseThrow(() -> new ForgeException("the YouTube staging store lost " + name + " (" + raw.describe()
                        + "); run 'forge mirror sync' again"))
                .data();
    }

    /** The video resource: a title and description that say what it is, never a pack id or a path (encrypted). */
    static ObjectNode resource(RemoteUrl.YouTube url, String repository, long batch, int packs, long bytes) {
        ObjectNode r = JSON.createObjectNode();
        r.putObject("snippet")
                .put("title", "Forge mirror " + url.label() + " #" + batch)
                .put(
                        "description",
                        "Encrypted backup data of a Forge repository (repository key " + repository + "), batch "
                                + batch + ": " + packs + (packs == 1 ? " pack, " : " packs, ") + bytes
                                + " bytes. Not watchable; restore with 'forge mirror restore' from the downloaded"
                                + " file.")
                .put("categoryId", "28");
        r.putObject("status").put("privacyStatus", url.privacy()).put("selfDeclaredMadeForKids", false);
        return r;
    }

    /** The uploader for {@code url}: forge auth's youtube token, refreshed through the token store on a 401. */
    public static YouTubeUploader uploader(RemoteUrl.YouTube url) {
        URI api = URI.create(url.api());
        return new YouTubeUploader(
                url.api(),
                () -> TokenStore.forUser().find(Provider.YOUTUBE, api).map(FoundToken::token),
                OAuthRefresh.of(
                        System.getenv(),
                        "FORGE_YOUTUBE",
                        "Google",
                        url.api().equals(RemoteUrl.YouTube.DEFAULT_API)
                                ? "https://oauth2.googleapis.com/token"
                                : url.api() + "/token",
                        TokenStore.forUser(),
                        Provider.YOUTUBE,
                        api),
                6,
                Duration.ofSeconds(1),
                d -> Thread.sleep(d.toMillis()));
    }

    /** Writes 1080p, 30 fps video with the codec's defaults (1 bit per 8-pixel cell) through ffmpeg. */
    public static void writeVideo(byte[] payload, Path out) throws IOException {
        FrameLayout layout = new FrameLayout(1920, 1080, 8, 1);
        StreamPlan plan = StreamPlan.of(layout, INNER_PARITY, payload.length);
        Path tmp = VideoFiles.tempSibling(out);
        try {
            Ffmpeg.Writer w = Ffmpeg.writer(tmp, layout.width(), layout.height(), 30);
            try {
                VideoEncoder.encode(payload, plan, w);
            } catch (IOException | RuntimeException e) {
                w.abort();
                throw e;
            }
            w.close();
            VideoFiles.publish(tmp, out);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads a video back into its payload, every byte verified, or throws IntegrityException. */
    public static VideoDecoder.Result readVideo(Path video) {
        Ffmpeg.Size size = Ffmpeg.probe(video);
        VideoDecoder decoder = new VideoDecoder();
        Ffmpeg.read(video, size, decoder::accept);
        return decoder.finish();
    }
}
