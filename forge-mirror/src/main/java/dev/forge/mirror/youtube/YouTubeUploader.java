package dev.forge.mirror.youtube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forge.core.error.KeyException;
import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.mirror.auth.OAuthRefresh;
import dev.forge.mirror.http.UploadSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Uploads one video with the YouTube Data API v3 resumable upload protocol (docs/cli.md, "YouTube mirror"):
 * {@code POST API/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status} with the video resource as
 * JSON and {@code X-Upload-Content-Length}/{@code -Type} answers 200 with the session URI in {@code Location};
 * {@code PUT} of the bytes with {@code Content-Range: bytes FIRST-LAST/TOTAL} answers 200/201 with the video
 * resource (its {@code id}). After a dropped connection, a 5xx or a 429 the client waits (exponential backoff),
 * asks where the session stands ({@code PUT} with {@code Content-Range: bytes *}{@code /TOTAL}: 308 with {@code
 * Range: bytes=0-N}, or no Range when nothing arrived) and resumes from there. A 401 refreshes the access token
 * once; a 403 {@code quotaExceeded}/{@code uploadLimitExceeded} stops with {@link QuotaExceeded}.
 */
public final class YouTubeUploader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json; charset=UTF-8");
    private static final Pattern RANGE = Pattern.compile("bytes=0-(\\d+)");

    /** The daily upload quota is used up: nothing more today; what is left stays pending. */
    public static final class QuotaExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        QuotaExceeded(String reason) {
            super(reason);
        }
    }

    /** Waits between tries (tests pass one that does not sleep). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final String api;
    private final Supplier<Optional<String>> tokens;
    private final OAuthRefresh refresh;
    private final int tries;
    private final Duration firstWait;
    private final Sleeper sleeper;
    private final OkHttpClient http;
    private String token;
    private boolean refreshed;
    private int requests;

    public YouTubeUploader(
            String api,
            Supplier<Optional<String>> tokens,
            OAuthRefresh refresh,
            int tries,
            Duration firstWait,
            Sleeper sleeper) {
        this.api = api;
        this.tokens = tokens;
        this.refresh = refresh;
        this.tries = Math.max(1, tries);
        this.firstWait = firstWait;
        this.sleeper = sleeper;
        this.http = new OkHttpClient.Builder()
                .connectTimeout(15, TimeUnit.SECONDS)
                .readTimeout(120, TimeUnit.SECONDS)
                .writeTimeout(120, TimeUnit.SECONDS)
                .retryOnConnectionFailure(false)
                .followRedirects(false)
                .build();
    }

    /** HTTP requests made so far. */
    public int requests() {
        return requests;
    }

    /** Uploads {@code file} (an MP4) with {@code resource} (snippet, status) and returns the new video's id. */
    public String upload(JsonNode resource, Path file) throws InterruptedException {
        long size;
        long modified;
        try {
            size = Files.size(file);
            modified = Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        UploadSource source = UploadSource.file(file, size, modified);
        String session = start(resource, size);
        long offset = 0;
        int failures = 0;
        boolean restarted = false;
        while (true) {
            String problem;
            boolean retryable = true;
            try (Response r = send(new Request.Builder()
                    .url(session)
                    .put(source.slice(offset, size - offset))
                    .header("Content-Range", "bytes " + offset + "-" + (size - 1) + "/" + size))) {
                int code = r.code();
                String body = r.body().string();
                if (code == 200 || code == 201) return videoId(body);
                if (code == 308) {
                    long next = nextOffset(r);
                    if (next > offset) failures = 0;
                    offset = next;
                    continue;
                }
                if (code == 401) {
                    refreshToken(body);
                    continue;
                }
                if ((code == 404 || code == 410) && !restarted) {
                    // The session expired (a week at most, per Google's documentation): start a new one once.
                    restarted = true;
                    session = start(resource, size);
                    offset = 0;
                    continue;
                }
                checkQuota(code, body);
                problem = "HTTP " + code + reason(body);
                retryable = code >= 500 || code == 429;
            } catch (IOException e) {
                problem = "the connection dropped (" + e.getClass().getSimpleName() + ")";
            }
            if (!retryable) throw new RemoteUnavailableException("YouTube refused the upload: " + problem, false);
            if (++failures >= tries)
                throw new RemoteUnavailableException(
                        "the YouTube upload failed " + failures + " times in a row, last: " + problem, true);
            sleeper.sleep(backoff(failures));
            Status s = query(session, size, source);
            if (s.videoId() != null) return s.videoId();
            offset = s.offset();
        }
    }

    private record Status(long offset, String videoId) {}

    /** Asks where the session stands: how many bytes it holds, or the video when it already has them all. */
    private Status query(String session, long size, UploadSource source) throws InterruptedException {
        int failures = 0;
        while (true) {
            String problem;
            try (Response r = send(new Request.Builder()
                    .url(session)
                    .put(RequestBody.create(new byte[0], null))
                    .header("Content-Range", "bytes */" + size))) {
                String body = r.body().string();
                int code = r.code();
                if (code == 200 || code == 201) return new Status(size, videoId(body));
                if (code == 308) return new Status(nextOffset(r), null);
                if (code == 401) {
                    refreshToken(body);
                    continue;
                }
                checkQuota(code, body);
                if (code < 500 && code != 429)
                    throw new RemoteUnavailableException(
                            "YouTube refused the upload session: HTTP " + code + reason(body), false);
                problem = "HTTP " + code;
            } catch (IOException e) {
                problem = "the connection dropped (" + e.getClass().getSimpleName() + ")";
            }
            if (++failures >= tries)
                throw new RemoteUnavailableException(
                        "cannot ask YouTube where the upload stands (" + problem + ")", true);
            sleeper.sleep(backoff(failures));
        }
    }

    /** Opens a resumable session and returns its URI. */
    private String start(JsonNode resource, long size) throws InterruptedException {
        byte[] meta;
        try {
            meta = JSON.writeValueAsBytes(resource);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        int failures = 0;
        while (true) {
            String problem;
            try (Response r = send(new Request.Builder()
                    .url(api + "/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status")
                    .post(RequestBody.create(meta, JSON_TYPE))
                    .header("X-Upload-Content-Length", Long.toString(size))
                    .header("X-Upload-Content-Type", "video/mp4"))) {
                String body = r.body().string();
                int code = r.code();
                if (code == 200 || code == 201) {
                    String location = r.header("Location");
                    if (location == null || location.isBlank())
                        throw new RemoteUnavailableException("YouTube opened no upload session (no Location)", true);
                    return location;
                }
                if (code == 401) {
                    refreshToken(body);
                    continue;
                }
                checkQuota(code, body);
                if (code < 500 && code != 429)
                    throw new RemoteUnavailableException(
                            "YouTube refused to start the upload: HTTP " + code + reason(body), false);
                problem = "HTTP " + code + reason(body);
            } catch (IOException e) {
                problem = "cannot reach " + api + " (" + e.getClass().getSimpleName() + ")";
            }
            if (++failures >= tries)
                throw new RemoteUnavailableException("YouTube upload not started: " + problem, true);
            sleeper.sleep(backoff(failures));
        }
    }

    private Response send(Request.Builder b) throws IOException {
        if (token == null)
            token = tokens.get()
                    .orElseThrow(() -> new KeyException(
                            "no YouTube token: run 'forge auth login youtube' (or set" + " FORGE_YOUTUBE_TOKEN)"));
        requests++;
        return http.newCall(b.header("Authorization", "Bearer " + token)
                        .header("User-Agent", "forge")
                        .build())
                .execute();
    }

    /** A 401: refresh the access token once per upload run; a second 401 means the login itself is bad. */
    private void refreshToken(String body) {
        if (refresh == null || refreshed)
            throw new KeyException("YouTube refused the access token (HTTP 401" + reason(body)
                    + "): log in again with 'forge auth login youtube'");
        refreshed = true;
        token = refresh.refresh();
    }

    private static void checkQuota(int code, String body) {
        if (code != 403) return;
        String r = firstReason(body);
        if (r.equals("quotaExceeded") || r.equals("uploadLimitExceeded") || r.equals("dailyLimitExceeded"))
            throw new QuotaExceeded(r);
    }

    private Duration backoff(int failures) {
        long ms = firstWait.toMillis() << Math.min(failures - 1, 6);
        return Duration.ofMillis(Math.min(ms, 60_000));
    }

    private static long nextOffset(Response r) {
        String range = r.header("Range");
        if (range == null) return 0;
        Matcher m = RANGE.matcher(range.strip());
        if (!m.matches()) throw new RemoteUnavailableException("YouTube sent a bad Range header: " + range, false);
        return Long.parseLong(m.group(1)) + 1;
    }

    private static String videoId(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            String id = n == null ? "" : n.path("id").asText("");
            if (!id.isEmpty() && id.matches("[A-Za-z0-9_-]{1,64}")) return id;
        } catch (IOException e) {
            // said below
        }
        throw new RemoteUnavailableException("YouTube finished the upload but sent no video id", false);
    }

    private static String firstReason(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null) return "";
            String r = n.path("error").path("errors").path(0).path("reason").asText("");
            return r.matches("[A-Za-z]{1,60}") ? r : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String reason(String body) {
        String r = firstReason(body);
        return r.isEmpty() ? "" : " " + r;
    }
}
