package dev.forge.mirror.youtube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the YouTube Data API v3 upload endpoint on 127.0.0.1, written from Google's
 * documentation of the resumable upload protocol ("Resumable Uploads", youtube/v3/guides):
 *
 * <ul>
 *   <li>{@code POST /upload/youtube/v3/videos?uploadType=resumable&part=...} with a video resource as JSON and
 *       {@code X-Upload-Content-Length}: 200 and the session URI in {@code Location};
 *   <li>{@code PUT} to the session with {@code Content-Range: bytes FIRST-LAST/TOTAL}: 308 with {@code Range:
 *       bytes=0-N} while bytes are missing, then 201 with the video resource and its new {@code id}; a chunk
 *       that does not start where the session stands is 400;
 *   <li>{@code PUT} with {@code Content-Range: bytes *}{@code /TOTAL} and no body: where the session stands (308
 *       with Range, or without Range when it holds nothing; 201 when it is complete);
 *   <li>a bearer token: a wrong one is 401 {@code authError}; {@code POST /token} (grant_type=refresh_token)
 *       gives the current one for the right refresh token;
 *   <li>errors in Google's shape: {@code {"error": {"code", "message", "errors": [{"domain", "reason"}]}}}.
 * </ul>
 *
 * Faults are queued per request ({@link #failNext}); {@link #quotaAfter} makes every insert after N videos a 403
 * {@code quotaExceeded}. forge-cli's end-to-end test runs it in its own JVM through this module's test-jar.
 */
public final class FakeYouTube implements AutoCloseable {
    public enum Fault {
        /** 503 backendError. */
        ERROR_503,
        /** 429 rateLimitExceeded. */
        RATE_429,
        /** A PUT of bytes: half of them reach the session, then the connection drops. */
        CUT_UPLOAD,
        /** The access token expires now: requests get 401 until the client refreshes it. */
        EXPIRE_TOKEN,
        /** 403 quotaExceeded. */
        QUOTA,
        /** At the next PUT the session is forgotten (expired): that request and later ones to it get 404. */
        LOSE_SESSION
    }

    /** One uploaded video: its id, the resource the client sent, the file's bytes. */
    public record Video(String id, JsonNode resource, byte[] bytes) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");
    private static final Pattern QUERY_RANGE = Pattern.compile("bytes \\*/(\\d+)");

    private static final class Session {
        final JsonNode resource;
        final long total;
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        String videoId;

        Session(JsonNode resource, long total) {
            this.resource = resource;
            this.total = total;
        }
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final Object lock = new Object();
    private final Map<String, Session> sessions = new HashMap<>();
    private final List<Video> videos = new ArrayList<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final String refreshToken;
    private String token;
    private int tokens;
    private int quotaAfter = Integer.MAX_VALUE;
    private int cuts;
    private int losses;
    private int ids;

    private FakeYouTube(String token, String refreshToken) throws IOException {
        this.token = token;
        this.refreshToken = refreshToken;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A server accepting bearer token {@code token}, and {@code refreshToken} at {@code /token}. */
    public static FakeYouTube start(String token, String refreshToken) throws IOException {
        return new FakeYouTube(token, refreshToken);
    }

    public String api() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The access token it accepts now. */
    public String token() {
        synchronized (lock) {
            return token;
        }
    }

    /** Faults for the next requests, one each in order; CUT_UPLOAD and LOSE_SESSION wait for the next PUT. */
    public void failNext(Fault... f) {
        synchronized (lock) {
            for (Fault x : f) {
                if (x == Fault.CUT_UPLOAD) cuts++;
                else if (x == Fault.LOSE_SESSION) losses++;
                else faults.add(x);
            }
        }
    }

    /** Every videos.insert after {@code n} videos is 403 quotaExceeded. */
    public void quotaAfter(int n) {
        synchronized (lock) {
            quotaAfter = n;
        }
    }

    public List<Video> videos() {
        synchronized (lock) {
            return List.copyOf(videos);
        }
    }

    /** Requests as {@code METHOD path-without-query [Content-Range] -> status}. */
    public List<String> log() {
        return List.copyOf(log);
    }

    /** Writes each video's file to {@code dir} as {@code ID.mp4} (what its owner would download). */
    public List<Path> download(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (Video v : videos()) {
            Path p = dir.resolve(v.id() + ".mp4");
            Files.write(p, v.bytes());
            out.add(p);
        }
        return out;
    }

    private void handle(HttpExchange ex) throws IOException {
        String line = ex.getRequestMethod() + " " + ex.getRequestURI().getPath();
        String range = ex.getRequestHeaders().getFirst("Content-Range");
        if (range != null) line += " [" + range + "]";
        LINE.set(line);
        try {
            byte[] body = ex.getRequestBody().readAllBytes();
            route(ex, body);
        } catch (IOException e) {
            log.add(line + " -> dropped");
            throw e; // the server closes the connection without an answer
        } finally {
            LINE.remove();
        }
        ex.close();
    }

    /** The request being answered, logged just before its status goes out (so a client never sees it unlogged). */
    private static final ThreadLocal<String> LINE = new ThreadLocal<>();

    private void respond(HttpExchange ex, int code, long length) throws IOException {
        log.add(LINE.get() + " -> " + code);
        ex.sendResponseHeaders(code, length);
    }

    private int route(HttpExchange ex, byte[] body) throws IOException {
        String path = ex.getRequestURI().getPath();
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        if (path.equals("/token") && ex.getRequestMethod().equals("POST")) return refresh(ex, body);
        Fault fault;
        synchronized (lock) {
            fault = faults.poll();
            if (fault == Fault.EXPIRE_TOKEN) {
                token = "expired-" + (++tokens);
                fault = null;
            }
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.equals("Bearer " + token()))
            return error(ex, 401, "global", "authError", "Invalid Credentials");
        if (fault == Fault.ERROR_503) return error(ex, 503, "global", "backendError", "Backend Error");
        if (fault == Fault.RATE_429) return error(ex, 429, "youtube.quota", "rateLimitExceeded", "Rate limit");
        if (!path.equals("/upload/youtube/v3/videos")) return error(ex, 404, "global", "notFound", "Not Found");
        if (ex.getRequestMethod().equals("POST")) {
            if (fault == Fault.QUOTA) return quota(ex);
            return start(ex, q, body);
        }
        if (ex.getRequestMethod().equals("PUT")) {
            synchronized (lock) {
                if (losses > 0) {
                    losses--;
                    sessions.remove(q.getOrDefault("upload_id", ""));
                }
            }
            return put(ex, q, body);
        }
        return error(ex, 405, "global", "methodNotAllowed", "Method Not Allowed");
    }

    private int quota(HttpExchange ex) throws IOException {
        return error(
                ex,
                403,
                "youtube.quota",
                "quotaExceeded",
                "The request cannot be completed because you have exceeded your quota.");
    }

    private int start(HttpExchange ex, Map<String, String> q, byte[] body) throws IOException {
        if (!"resumable".equals(q.get("uploadType")) || q.get("part") == null)
            return error(ex, 400, "global", "invalidParameter", "uploadType=resumable and part are required");
        String len = ex.getRequestHeaders().getFirst("X-Upload-Content-Length");
        JsonNode resource;
        try {
            resource = JSON.readTree(body);
        } catch (IOException e) {
            return error(ex, 400, "global", "parseError", "Parse Error");
        }
        if (len == null
                || resource == null
                || !resource.path("snippet").path("title").isTextual())
            return error(ex, 400, "youtube.video", "invalidTitle", "a title and X-Upload-Content-Length are required");
        String id;
        synchronized (lock) {
            if (videos.size() >= quotaAfter) return quota(ex);
            id = "s" + (++ids);
            sessions.put(id, new Session(resource, Long.parseLong(len)));
        }
        ex.getResponseHeaders()
                .set("Location", api() + "/upload/youtube/v3/videos?uploadType=resumable&upload_id=" + id);
        respond(ex, 200, -1);
        return 200;
    }

    private int put(HttpExchange ex, Map<String, String> q, byte[] body) throws IOException {
        Session s;
        synchronized (lock) {
            s = sessions.get(q.getOrDefault("upload_id", ""));
        }
        if (s == null) return error(ex, 404, "global", "notFound", "no such upload session");
        String range = ex.getRequestHeaders().getFirst("Content-Range");
        Matcher asks = range == null ? null : QUERY_RANGE.matcher(range);
        Matcher m = range == null ? null : RANGE.matcher(range);
        synchronized (lock) {
            if (asks != null && asks.matches()) return where(ex, s);
            if (m == null
                    || !m.matches()
                    || Long.parseLong(m.group(3)) != s.total
                    || Long.parseLong(m.group(1)) != s.data.size()
                    || Long.parseLong(m.group(2)) - Long.parseLong(m.group(1)) + 1 != body.length)
                return error(ex, 400, "global", "badContent", "Content-Range does not match the session");
            if (cuts > 0) {
                cuts--;
                s.data.write(body, 0, body.length / 2);
                throw new IOException("fault: connection dropped");
            }
            s.data.write(body, 0, body.length);
            return where(ex, s);
        }
    }

    /** 308 with Range while bytes are missing, else the video (made once). */
    private int where(HttpExchange ex, Session s) throws IOException {
        if (s.data.size() < s.total) {
            if (s.data.size() > 0) ex.getResponseHeaders().set("Range", "bytes=0-" + (s.data.size() - 1));
            respond(ex, 308, -1);
            return 308;
        }
        if (s.videoId == null) {
            s.videoId = "vid" + (videos.size() + 1) + "x" + Long.toString(s.total, 36);
            videos.add(new Video(s.videoId, s.resource, s.data.toByteArray()));
        }
        ObjectNode v = JSON.createObjectNode().put("kind", "youtube#video").put("id", s.videoId);
        v.set("snippet", s.resource.path("snippet"));
        v.set("status", s.resource.path("status"));
        return send(ex, 201, JSON.writeValueAsBytes(v));
    }

    private int refresh(HttpExchange ex, byte[] body) throws IOException {
        Map<String, String> form = query(new String(body, StandardCharsets.UTF_8));
        if (!"refresh_token".equals(form.get("grant_type"))
                || refreshToken == null
                || !refreshToken.equals(form.get("refresh_token")))
            return send(ex, 400, "{\"error\":\"invalid_grant\"}".getBytes(StandardCharsets.UTF_8));
        String t;
        synchronized (lock) {
            token = "fresh-" + (++tokens);
            t = token;
        }
        return send(
                ex,
                200,
                JSON.writeValueAsBytes(JSON.createObjectNode()
                        .put("access_token", t)
                        .put("expires_in", 3599)
                        .put("token_type", "Bearer")));
    }

    private int error(HttpExchange ex, int code, String domain, String reason, String message) throws IOException {
        ObjectNode e = JSON.createObjectNode();
        ObjectNode err = e.putObject("error").put("code", code).put("message", message);
        err.putArray("errors")
                .addObject()
                .put("domain", domain)
                .put("reason", reason)
                .put("message", message);
        return send(ex, code, JSON.writeValueAsBytes(e));
    }

    private int send(HttpExchange ex, int code, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        respond(ex, code, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
        return code;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return out;
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0)
                out.put(
                        URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
