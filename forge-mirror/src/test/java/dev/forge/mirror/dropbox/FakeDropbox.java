package dev.forge.mirror.dropbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A local stand-in for the parts of Dropbox's HTTP API v2 that {@code dropbox://} remotes use, on
 * 127.0.0.1 (RPC and content endpoints on one port, under {@code /2/}), with Dropbox's status codes and
 * error bodies as its documentation gives them:
 *
 * <ul>
 *   <li>RPC (JSON body): {@code files/get_metadata}, {@code files/list_folder} (recursive, at most
 *       {@link #pageSize} entries a page, {@code cursor}/{@code has_more}), {@code
 *       files/list_folder/continue}, {@code files/delete_v2}; 409 {@code path/not_found} and {@code
 *       path_lookup/not_found} as documented;
 *   <li>content (argument in the {@code Dropbox-API-Arg} header): {@code files/upload} with modes add,
 *       overwrite and update(rev), {@code autorename: false} and {@code strict_conflict} (409 {@code
 *       path/conflict/file}); {@code files/upload_session/start}, {@code append_v2} and {@code finish}
 *       with offsets (409 {@code incorrect_offset} with {@code correct_offset}, or {@code
 *       lookup_failed/incorrect_offset} for finish); {@code files/download} with Range (206) and the file's
 *       metadata in {@code Dropbox-API-Result}; 400 for a request body over 150 MB;
 *   <li>paths are case-insensitive (kept by {@code path_lower}, shown by {@code path_display}); parent
 *       folders are made by uploads and stay when emptied;
 *   <li>a bearer token: none or a wrong one is 401 {@code invalid_access_token}, after {@link
 *       #expireToken} 401 {@code expired_access_token}.
 * </ul>
 *
 * <p>Without {@code strict_conflict} the documented WriteMode rule "a file with identical contents is
 * no conflict" applies; with it, a stale rev or an existing file is always a conflict (Forge always
 * sends it). Faults are switched on per endpoint: {@link #failNext}.
 */
public final class FakeDropbox implements AutoCloseable {
    /** What a request that matches a fault gets instead of its answer. */
    public enum Fault {
        /** 429 too_many_requests with Retry-After: 1. */
        TOO_MANY_429,
        /** 429 too_many_write_operations with Retry-After: 1 (namespace write contention). */
        WRITE_CONTENTION_429,
        /** 500 and 503 with a plain-text body. */
        ERROR_500,
        ERROR_503,
        /** 401 expired_access_token, once. */
        EXPIRED_401,
        /** The answer announces a body and the connection closes after a few bytes of it. */
        DROP,
        /**
         * For upload_session/start, append_v2 and finish: the first half of the request's bytes reach the
         * session, then the connection drops (the client cannot know how much arrived).
         */
        CUT_UPLOAD
    }

    /** Dropbox's limit on one upload request's body. */
    public static final long MAX_REQUEST = 150L * 1024 * 1024;

    private record Rule(Pattern endpoint, Fault fault, int[] left) {}

    private record FileEntry(String display, byte[] data, String rev, String id) {}

    private static final class Session {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        boolean closed;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService pool;
    private volatile String token;
    private volatile boolean expired;
    private volatile int pageSize = 2000;
    private volatile String refreshToken;
    private volatile String clientId;
    private final List<String> refreshed = new CopyOnWriteArrayList<>();
    private volatile boolean rotate;
    private volatile String code;
    private volatile String challenge;
    private final List<String> verifiers = new CopyOnWriteArrayList<>();

    private final Object lock = new Object();
    private final TreeMap<String, FileEntry> files = new TreeMap<>();
    private final Set<String> folders = new HashSet<>();
    private final Map<String, Session> sessions = new HashMap<>();
    private final Map<String, List<JsonNode>> cursors = new HashMap<>();
    private long nextRev = 0x10000000L;
    private long nextId = 1;

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> faultsServed = new CopyOnWriteArrayList<>();
    private final AtomicLong largestUpload = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();

    private FakeDropbox(String token) throws IOException {
        this.token = token;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-dropbox");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
        folders.add("");
    }

    /** A server that accepts only {@code token} (null: any request, with or without one). */
    public static FakeDropbox start(String token) throws IOException {
        return new FakeDropbox(token);
    }

    /** The base of both hosts: {@code http://127.0.0.1:PORT}. */
    public String api() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The remote URL of folder {@code path} ({@code forge/film}). */
    public String url(String path) {
        return "dropbox://" + path + "?api=" + api();
    }

    public void pageSize(int n) {
        pageSize = n;
    }

    /**
     * Accepts {@code refreshToken} with {@code clientId} at {@code POST /oauth2/token} (grant_type
     * refresh_token): each refresh makes a new access token the only one accepted.
     */
    public void refreshToken(String refreshToken, String clientId) {
        this.refreshToken = refreshToken;
        this.clientId = clientId;
    }

    /** The access token accepted now. */
    public String acceptedToken() {
        return token;
    }

    /** From now on each refresh also hands out a new refresh token, and the old one stops working. */
    public void rotateRefreshTokens() {
        rotate = true;
    }

    /** The refresh token accepted now (after rotations, the last one handed out). */
    public String currentRefreshToken() {
        return refreshToken;
    }

    /**
     * Accepts {@code code} once at {@code POST /oauth2/token} (grant_type authorization_code, as Dropbox's PKCE
     * flow) from {@code clientId}, with a code_verifier whose S256 challenge is {@code challenge} (null: any,
     * recorded in {@link #verifiers}); answers an access token and a refresh token, which it then accepts.
     */
    public void authorizationCode(String code, String clientId, String challenge) {
        this.code = code;
        this.clientId = clientId;
        this.challenge = challenge;
    }

    /** The code verifiers the code exchanges sent. */
    public List<String> verifiers() {
        return List.copyOf(verifiers);
    }

    /** The access tokens refreshes handed out. */
    public List<String> refreshed() {
        return List.copyOf(refreshed);
    }

    /** From now on the token is expired: every request is 401 expired_access_token until {@link #token}. */
    public void expireToken() {
        expired = true;
    }

    /** From now on only {@code t} is accepted (and it is not expired). */
    public void token(String t) {
        token = t;
        expired = false;
    }

    /** The next {@code times} requests to an endpoint matching {@code endpointRegex} ("files/upload$") get {@code fault}. */
    public void failNext(String endpointRegex, Fault fault, int times) {
        rules.add(new Rule(Pattern.compile(endpointRegex), fault, new int[] {times}));
    }

    /** Every request so far: "ENDPOINT ARG" (ARG the Dropbox-API-Arg header or the JSON body). */
    public List<String> log() {
        return List.copyOf(log);
    }

    /** Every Authorization header received. */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    public List<String> faultsServed() {
        return List.copyOf(faultsServed);
    }

    /** The largest upload request body received, in bytes. */
    public long largestUpload() {
        return largestUpload.get();
    }

    public long bytesIn() {
        return bytesIn.get();
    }

    public long bytesOut() {
        return bytesOut.get();
    }

    /** Files by display path. */
    public Map<String, byte[]> files() {
        synchronized (lock) {
            Map<String, byte[]> out = new TreeMap<>();
            for (FileEntry f : files.values()) out.put(f.display(), f.data());
            return out;
        }
    }

    /** Upload sessions started and not finished. */
    public int openSessions() {
        synchronized (lock) {
            return (int) sessions.values().stream().filter(s -> !s.closed).count();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    // ---- dispatch ----

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            byte[] body = ex.getRequestBody().readAllBytes();
            bytesIn.addAndGet(body.length);
            String argHeader = ex.getRequestHeaders().getFirst("Dropbox-API-Arg");
            String endpoint = path.startsWith("/2/") ? path.substring(3) : path;
            if (endpoint.equals("/oauth2/token")) { // a form with the refresh token in it: not logged
                log.add(endpoint);
                if (fault(ex, endpoint, null, body)) return;
                oauthToken(ex, body);
                return;
            }
            log.add(endpoint + " " + (argHeader != null ? argHeader : new String(body, StandardCharsets.UTF_8)));
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null) authorizations.add(auth);
            if (!ex.getRequestMethod().equals("POST")) {
                sendText(ex, 400, "Error in call to API function \"" + endpoint + "\": Expected POST");
                return;
            }
            if (fault(ex, endpoint, argHeader, body)) return;
            if (!authorized(ex, auth)) return;
            boolean content = argHeader != null;
            JsonNode arg;
            try {
                arg = JSON.readTree(content ? argHeader : new String(body, StandardCharsets.UTF_8));
            } catch (IOException e) {
                sendText(ex, 400, "Error in call to API function \"" + endpoint + "\": could not decode input as JSON");
                return;
            }
            if (arg == null) arg = JSON.createObjectNode();
            if (content && body.length > MAX_REQUEST) {
                sendText(ex, 400, "Error in call to API function \"" + endpoint + "\": request body too large");
                return;
            }
            if (content) largestUpload.accumulateAndGet(body.length, Math::max);
            switch (endpoint) {
                case "files/get_metadata" -> getMetadata(ex, arg);
                case "files/list_folder" -> listFolder(ex, arg);
                case "files/list_folder/continue" -> listContinue(ex, arg);
                case "files/delete_v2" -> delete(ex, arg);
                case "files/download" -> download(ex, arg);
                case "files/upload" -> upload(ex, arg, body);
                case "files/upload_session/start" -> sessionStart(ex, body, arg);
                case "files/upload_session/append_v2" -> sessionAppend(ex, arg, body);
                case "files/upload_session/finish" -> sessionFinish(ex, arg, body);
                default -> sendText(ex, 400, "Unknown API function: \"" + endpoint + "\"");
            }
        }
    }

    private boolean authorized(HttpExchange ex, String auth) throws IOException {
        String t = token;
        if (t == null) return true;
        if (auth == null || !auth.equals("Bearer " + t)) {
            send(ex, 401, error("invalid_access_token/", JSON.createObjectNode().put(".tag", "invalid_access_token")));
            return false;
        }
        if (expired) {
            send(ex, 401, error("expired_access_token/", JSON.createObjectNode().put(".tag", "expired_access_token")));
            return false;
        }
        return true;
    }

    private boolean fault(HttpExchange ex, String endpoint, String argHeader, byte[] body) throws IOException {
        for (Rule r : rules) {
            if (!r.endpoint().matcher(endpoint).find()) continue;
            synchronized (r.left()) {
                if (r.left()[0] <= 0) continue;
                r.left()[0]--;
            }
            faultsServed.add(r.fault() + " " + endpoint);
            switch (r.fault()) {
                case TOO_MANY_429 -> {
                    ex.getResponseHeaders().set("Retry-After", "1");
                    ObjectNode e = JSON.createObjectNode();
                    e.putObject("reason").put(".tag", "too_many_requests");
                    e.put("retry_after", 1);
                    send(ex, 429, error("too_many_requests/..", e));
                }
                case WRITE_CONTENTION_429 -> {
                    ex.getResponseHeaders().set("Retry-After", "1");
                    ObjectNode e = JSON.createObjectNode();
                    e.putObject("reason").put(".tag", "too_many_write_operations");
                    e.put("retry_after", 1);
                    send(ex, 429, error("too_many_write_operations/..", e));
                }
                case ERROR_500 -> sendText(ex, 500, "Internal Server Error");
                case ERROR_503 -> sendText(ex, 503, "Service Unavailable");
                case EXPIRED_401 ->
                    send(
                            ex,
                            401,
                            error(
                                    "expired_access_token/",
                                    JSON.createObjectNode().put(".tag", "expired_access_token")));
                case DROP -> drop(ex);
                case CUT_UPLOAD -> {
                    JsonNode arg = argHeader == null ? JSON.createObjectNode() : JSON.readTree(argHeader);
                    byte[] half = Arrays.copyOf(body, body.length / 2);
                    synchronized (lock) {
                        if (endpoint.endsWith("upload_session/start")) {
                            // The session exists with half the bytes, but the client never learns its id.
                            Session s = new Session();
                            s.data.writeBytes(half);
                            sessions.put("lost-" + nextId++, s);
                        } else {
                            JsonNode c = arg.path("cursor");
                            Session s = sessions.get(c.path("session_id").asText());
                            if (s != null
                                    && !s.closed
                                    && s.data.size() == c.path("offset").asLong()) s.data.writeBytes(half);
                        }
                    }
                    drop(ex);
                }
            }
            return true;
        }
        return false;
    }

    /**
     * Announces a 1000-byte answer, sends 7 bytes of it and throws: the JDK server then closes the
     * connection at once (a short body alone would leave it open until the client's read timeout).
     */
    private static void drop(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, 1000);
        OutputStream out = ex.getResponseBody();
        out.write("{\"trunc".getBytes(StandardCharsets.UTF_8));
        out.flush();
        throw new IOException("fault: connection dropped");
    }

    // ---- endpoints ----

    private void oauthToken(HttpExchange ex, byte[] body) throws IOException {
        Map<String, String> form = new HashMap<>();
        for (String kv : new String(body, StandardCharsets.UTF_8).split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0)
                form.put(
                        java.net.URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        if ("authorization_code".equals(form.get("grant_type"))) {
            authorizationCodeGrant(ex, form);
            return;
        }
        String want = refreshToken;
        if (!"refresh_token".equals(form.get("grant_type"))
                || want == null
                || !want.equals(form.get("refresh_token"))
                || !String.valueOf(clientId).equals(form.get("client_id"))) {
            send(
                    ex,
                    400,
                    JSON.createObjectNode()
                            .put("error", "invalid_grant")
                            .put("error_description", "refresh token is invalid or revoked"));
            return;
        }
        String fresh = "sl.refreshed-" + refreshed.size() + "-" + Long.toHexString(System.nanoTime());
        refreshed.add(fresh);
        token(fresh);
        var answer = JSON.createObjectNode()
                .put("access_token", fresh)
                .put("token_type", "bearer")
                .put("expires_in", 14400);
        if (rotate) {
            refreshToken = "rt-rotated-" + refreshed.size() + "-" + Long.toHexString(System.nanoTime());
            answer.put("refresh_token", refreshToken);
        }
        send(ex, 200, answer);
    }

    private void authorizationCodeGrant(HttpExchange ex, Map<String, String> form) throws IOException {
        String verifier = form.getOrDefault("code_verifier", "");
        verifiers.add(verifier);
        String want = code;
        String wantChallenge = challenge;
        boolean ok = want != null
                && want.equals(form.get("code"))
                && String.valueOf(clientId).equals(form.get("client_id"))
                && verifier.matches("[A-Za-z0-9._~-]{43,128}")
                && (wantChallenge == null || wantChallenge.equals(s256(verifier)));
        if (!ok) {
            send(
                    ex,
                    400,
                    JSON.createObjectNode()
                            .put("error", "invalid_grant")
                            .put("error_description", "code doesn't exist or has expired"));
            return;
        }
        code = null; // once
        String access = "sl.code-" + Long.toHexString(System.nanoTime());
        refreshToken = "rt-code-" + Long.toHexString(System.nanoTime());
        token(access);
        send(
                ex,
                200,
                JSON.createObjectNode()
                        .put("access_token", access)
                        .put("token_type", "bearer")
                        .put("expires_in", 14400)
                        .put("refresh_token", refreshToken)
                        .put("account_id", "dbid:fake"));
    }

    /** RFC 7636's S256, written out here so that the fake does not trust the code under test. */
    private static String s256(String verifier) {
        try {
            return java.util.Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String lower(String p) {
        return p.toLowerCase(Locale.ROOT);
    }

    private ObjectNode fileMeta(FileEntry f) {
        ObjectNode n = JSON.createObjectNode();
        n.put(".tag", "file");
        n.put("name", f.display().substring(f.display().lastIndexOf('/') + 1));
        n.put("path_lower", lower(f.display()));
        n.put("path_display", f.display());
        n.put("id", f.id());
        n.put("client_modified", "2026-01-01T00:00:00Z");
        n.put("server_modified", "2026-01-01T00:00:00Z");
        n.put("rev", f.rev());
        n.put("content_hash", DropboxContentHash.of(f.data()));
        n.put("size", f.data().length);
        n.put("is_downloadable", true);
        return n;
    }

    private static ObjectNode folderMeta(String display) {
        ObjectNode n = JSON.createObjectNode();
        n.put(".tag", "folder");
        n.put("name", display.substring(display.lastIndexOf('/') + 1));
        n.put("path_lower", lower(display));
        n.put("path_display", display);
        n.put("id", "id:folder" + Math.abs(display.hashCode()));
        return n;
    }

    private static ObjectNode notFound(String tag) {
        ObjectNode e = JSON.createObjectNode().put(".tag", tag);
        e.putObject(tag).put(".tag", "not_found");
        return error(tag + "/not_found/..", e);
    }

    private void getMetadata(HttpExchange ex, JsonNode arg) throws IOException {
        String p = lower(arg.path("path").asText());
        ObjectNode out;
        synchronized (lock) {
            FileEntry f = files.get(p);
            if (f != null) out = fileMeta(f);
            else if (folders.contains(p)) out = folderMeta(arg.path("path").asText());
            else out = null;
        }
        if (out == null) send(ex, 409, notFound("path"));
        else send(ex, 200, out);
    }

    private void listFolder(HttpExchange ex, JsonNode arg) throws IOException {
        String p = lower(arg.path("path").asText());
        boolean recursive = arg.path("recursive").asBoolean(false);
        int limit = Math.min(arg.path("limit").asInt(2000), pageSize);
        List<JsonNode> all = new ArrayList<>();
        synchronized (lock) {
            if (!folders.contains(p)) {
                send(ex, 409, notFound("path"));
                return;
            }
            String under = p.isEmpty() ? "/" : p + "/";
            for (String f : folders) {
                if (!f.startsWith(under)) continue;
                if (!recursive && f.substring(under.length()).contains("/")) continue;
                all.add(folderMeta(f));
            }
            for (FileEntry f : files.values()) {
                String l = lower(f.display());
                if (!l.startsWith(under)) continue;
                if (!recursive && l.substring(under.length()).contains("/")) continue;
                all.add(fileMeta(f));
            }
        }
        String cursor;
        synchronized (lock) {
            cursor = "AAE" + Long.toHexString(System.nanoTime()) + "x" + nextId++;
            cursors.put(cursor, all);
        }
        page(ex, cursor, 0, limit);
    }

    private void listContinue(HttpExchange ex, JsonNode arg) throws IOException {
        String c = arg.path("cursor").asText();
        int at = c.lastIndexOf('@');
        String key = at < 0 ? c : c.substring(0, at);
        int from = at < 0 ? 0 : Integer.parseInt(c.substring(at + 1));
        boolean known;
        synchronized (lock) {
            known = cursors.containsKey(key);
        }
        if (!known) {
            send(ex, 409, error("reset/..", JSON.createObjectNode().put(".tag", "reset")));
            return;
        }
        page(ex, key, from, pageSize);
    }

    private void page(HttpExchange ex, String key, int from, int limit) throws IOException {
        List<JsonNode> all;
        synchronized (lock) {
            all = cursors.get(key);
        }
        int to = Math.min(all.size(), from + Math.max(1, limit));
        ObjectNode out = JSON.createObjectNode();
        ArrayNode entries = out.putArray("entries");
        for (int i = from; i < to; i++) entries.add(all.get(i));
        out.put("cursor", key + "@" + to);
        out.put("has_more", to < all.size());
        send(ex, 200, out);
    }

    private void delete(HttpExchange ex, JsonNode arg) throws IOException {
        String p = lower(arg.path("path").asText());
        FileEntry f;
        synchronized (lock) {
            f = files.remove(p);
        }
        if (f == null) {
            send(ex, 409, notFound("path_lookup"));
            return;
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("metadata", fileMeta(f));
        send(ex, 200, out);
    }

    private void download(HttpExchange ex, JsonNode arg) throws IOException {
        String p = lower(arg.path("path").asText());
        FileEntry f;
        synchronized (lock) {
            f = files.get(p);
        }
        if (f == null) {
            send(ex, 409, notFound("path"));
            return;
        }
        ex.getResponseHeaders().set("Dropbox-API-Result", DropboxBlobStore.asciiJson(fileMeta(f)));
        String range = ex.getRequestHeaders().getFirst("Range");
        byte[] data = f.data();
        if (range != null && range.startsWith("bytes=")) {
            String[] se = range.substring(6).split("-", 2);
            long start = Long.parseLong(se[0]);
            long end = se[1].isEmpty() ? data.length - 1 : Math.min(Long.parseLong(se[1]), data.length - 1);
            if (start >= data.length) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + data.length);
                sendBytes(ex, 416, new byte[0], "text/plain");
                return;
            }
            ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + data.length);
            sendBytes(ex, 206, Arrays.copyOfRange(data, (int) start, (int) end + 1), "application/octet-stream");
            return;
        }
        sendBytes(ex, 200, data, "application/octet-stream");
    }

    /** Stores {@code data} at {@code commit.path} under its mode; null and a 409 sent when it conflicts. */
    private ObjectNode commit(HttpExchange ex, JsonNode commit, byte[] data) throws IOException {
        String display = commit.path("path").asText();
        String p = lower(display);
        JsonNode mode = commit.path("mode");
        String tag = mode.isTextual() ? mode.asText() : mode.path(".tag").asText("add");
        boolean strict = commit.path("strict_conflict").asBoolean(false);
        if (commit.path("autorename").asBoolean(false)) {
            sendText(ex, 400, "this fake does not autorename");
            return null;
        }
        ObjectNode meta;
        synchronized (lock) {
            FileEntry now = files.get(p);
            boolean identical = now != null && Arrays.equals(now.data(), data);
            boolean conflict = switch (tag) {
                case "overwrite" -> false;
                case "add" -> now != null && (strict || !identical);
                case "update" -> {
                    String rev = mode.path("update").asText();
                    if (now == null) yield strict;
                    yield !now.rev().equals(rev) && (strict || !identical);
                }
                default -> true;
            };
            if (folders.contains(p)) conflict = true;
            if (conflict) {
                meta = null;
            } else if (identical) {
                meta = fileMeta(now);
            } else {
                FileEntry f = new FileEntry(
                        now == null ? display : now.display(),
                        data,
                        Long.toHexString(nextRev++) + "0",
                        now == null ? "id:f" + nextId++ : now.id());
                files.put(p, f);
                for (int i = p.indexOf('/', 1); i > 0; i = p.indexOf('/', i + 1)) folders.add(p.substring(0, i));
                meta = fileMeta(f);
            }
        }
        if (meta == null) {
            ObjectNode e = JSON.createObjectNode().put(".tag", "path");
            ObjectNode reason = e.putObject("reason").put(".tag", "conflict");
            reason.putObject("conflict").put(".tag", "file");
            send(ex, 409, error("path/conflict/file/..", e));
        }
        return meta;
    }

    private void upload(HttpExchange ex, JsonNode arg, byte[] body) throws IOException {
        ObjectNode meta = commit(ex, arg, body);
        if (meta != null) send(ex, 200, meta);
    }

    private void sessionStart(HttpExchange ex, byte[] body, JsonNode arg) throws IOException {
        String id;
        synchronized (lock) {
            id = "pid_upload_session:" + nextId++;
            Session s = new Session();
            s.data.writeBytes(body);
            s.closed = arg.path("close").asBoolean(false);
            sessions.put(id, s);
        }
        send(ex, 200, JSON.createObjectNode().put("session_id", id));
    }

    /** The session a cursor names at its offset, or null with the 409 sent ({@code nested}: finish's form). */
    private Session lookup(HttpExchange ex, JsonNode cursor, boolean nested) throws IOException {
        Session s;
        long have;
        synchronized (lock) {
            s = sessions.get(cursor.path("session_id").asText());
            have = s == null ? -1 : s.data.size();
        }
        ObjectNode inner;
        if (s == null) inner = JSON.createObjectNode().put(".tag", "not_found");
        else if (s.closed && !nested) inner = JSON.createObjectNode().put(".tag", "closed");
        else if (have != cursor.path("offset").asLong(-1))
            inner = JSON.createObjectNode().put(".tag", "incorrect_offset").put("correct_offset", have);
        else return s;
        String tag = inner.path(".tag").asText();
        if (nested) {
            ObjectNode e = JSON.createObjectNode().put(".tag", "lookup_failed");
            e.set("lookup_failed", inner);
            send(ex, 409, error("lookup_failed/" + tag + "/..", e));
        } else {
            send(ex, 409, error(tag + "/..", inner));
        }
        return null;
    }

    private void sessionAppend(HttpExchange ex, JsonNode arg, byte[] body) throws IOException {
        synchronized (lock) {
            Session s = lookup(ex, arg.path("cursor"), false);
            if (s == null) return;
            s.data.writeBytes(body);
            s.closed = arg.path("close").asBoolean(false);
        }
        sendBytes(ex, 200, "null".getBytes(StandardCharsets.UTF_8), "application/json");
    }

    private void sessionFinish(HttpExchange ex, JsonNode arg, byte[] body) throws IOException {
        byte[] all;
        String id = arg.path("cursor").path("session_id").asText();
        synchronized (lock) {
            Session s = lookup(ex, arg.path("cursor"), true);
            if (s == null) return;
            s.data.writeBytes(body);
            all = s.data.toByteArray();
            ObjectNode meta = commit(ex, arg.path("commit"), all);
            sessions.remove(id); // a finished session is gone, committed or not
            if (meta != null) send(ex, 200, meta);
        }
    }

    // ---- answers ----

    private static ObjectNode error(String summary, JsonNode error) {
        ObjectNode n = JSON.createObjectNode();
        n.put("error_summary", summary);
        n.set("error", error);
        return n;
    }

    private void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        sendBytes(ex, status, JSON.writeValueAsBytes(body), "application/json");
    }

    private void sendText(HttpExchange ex, int status, String text) throws IOException {
        sendBytes(ex, status, text.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
    }

    private void sendBytes(HttpExchange ex, int status, byte[] body, String type) throws IOException {
        bytesOut.addAndGet(body.length);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
