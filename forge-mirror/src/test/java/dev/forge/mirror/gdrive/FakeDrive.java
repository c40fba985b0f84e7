package dev.forge.mirror.gdrive;

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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the parts of the Google Drive API v3 that {@code gdrive://} remotes use, on
 * 127.0.0.1 ({@code /drive/v3/files...} and {@code /upload/drive/v3/files...} on one port), with Drive's
 * status codes and error bodies ({@code {"error": {"code", "message", "errors": [{"domain", "reason",
 * "message"}]}}}) as its documentation gives them:
 *
 * <ul>
 *   <li>{@code files.list} with {@code q} (terms joined by {@code and}: {@code 'ID' in parents}, {@code
 *       name = '...'}, {@code mimeType = '...'}, {@code trashed = false}, {@code appProperties has { key='k'
 *       and value='v' }}), {@code pageSize} (at most {@link #pageSize}) and {@code pageToken};
 *   <li>{@code files.get} (metadata, or {@code alt=media} with Range: 206), {@code files.update} (PATCH
 *       of metadata: appProperties, trashed), {@code files.delete} (204), {@code files.create} of metadata
 *       (folders), {@code files.generateIds};
 *   <li>resumable uploads: {@code POST /upload/drive/v3/files?uploadType=resumable} with the metadata
 *       answers 200 and a session URI in {@code Location}; {@code PUT} to it with {@code Content-Range}
 *       (chunks a multiple of 256 KiB except the last, else 400) answers 308 with {@code Range:
 *       bytes=0-N} until the last byte, then 200 and the file; {@code Content-Range: bytes *}{@code /SIZE}
 *       asks where it stands;
 *   <li>a file created with an {@code id} that exists (trashed or not) is 409, at the start of an upload or at
 *       its end; duplicate names are allowed, as on Drive;
 *   <li>a bearer token: a wrong or missing one is 401 {@code authError}; {@link #expireToken} makes it so.
 * </ul>
 *
 * Faults are switched on per request: {@link #failNext}. forge-cli's end-to-end tests run it in their own
 * JVM through this module's test-jar.
 */
public final class FakeDrive implements AutoCloseable {
    public enum Fault {
        /** 403 userRateLimitExceeded. */
        USER_RATE_403,
        /** 429 rateLimitExceeded. */
        RATE_429,
        ERROR_500,
        ERROR_503,
        /** 401 authError "Invalid Credentials" once (an access token that just expired). */
        EXPIRED_401,
        /** The answer announces a body and the connection drops after a few bytes of it. */
        DROP,
        /** For an upload chunk: half its bytes reach the session, then the connection drops. */
        CUT_UPLOAD
    }

    public static final long CHUNK_UNIT = 256L << 10;

    private record Rule(String method, Pattern path, Fault fault, int[] left) {}

    private static final class DFile {
        final String id;
        String name;
        final String mimeType;
        final List<String> parents;
        final Map<String, String> appProperties;
        final String createdTime;
        byte[] data;
        boolean trashed;

        DFile(
                String id,
                String name,
                String mimeType,
                List<String> parents,
                Map<String, String> props,
                String created,
                byte[] data) {
            this.id = id;
            this.name = name;
            this.mimeType = mimeType;
            this.parents = parents;
            this.appProperties = props;
            this.createdTime = created;
            this.data = data;
        }
    }

    private static final class Upload {
        final JsonNode meta;
        final long size;
        final ByteArrayOutputStream data = new ByteArrayOutputStream();

        Upload(JsonNode meta, long size) {
            this.meta = meta;
            this.size = size;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FILE = Pattern.compile("/drive/v3/files/([^/]+)");

    private final HttpServer server;
    private final ExecutorService pool;
    private volatile String token;
    private volatile boolean expired;
    private volatile int pageSize = 1000;
    private volatile String refreshToken;
    private volatile String clientId;
    private final List<String> refreshed = new CopyOnWriteArrayList<>();

    private final Object lock = new Object();
    private final Map<String, DFile> files = new LinkedHashMap<>();
    private final Map<String, Upload> uploads = new HashMap<>();
    private long nextId = 1;
    private long clock = 1_700_000_000_000L;

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> faultsServed = new CopyOnWriteArrayList<>();
    private final AtomicLong bytesIn = new AtomicLong();

    private FakeDrive(String token) throws IOException {
        this.token = token;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-drive");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
        files.put(
                "root",
                new DFile(
                        "root",
                        "My Drive",
                        GDriveBlobStore.FOLDER_MIME,
                        List.of(),
                        new TreeMap<>(),
                        "2026-01-01T00:00:00.000Z",
                        new byte[0]));
    }

    /** A server that accepts only {@code token} (null: any request, with or without one). */
    public static FakeDrive start(String token) throws IOException {
        return new FakeDrive(token);
    }

    public String api() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The remote URL of folder path {@code path} under My Drive. */
    public String url(String path) {
        return "gdrive://" + path + "?api=" + api();
    }

    /** Makes a folder under My Drive (as a user would) and returns its id. */
    public String folder(String name) {
        synchronized (lock) {
            String id = newId();
            files.put(
                    id,
                    new DFile(
                            id,
                            name,
                            GDriveBlobStore.FOLDER_MIME,
                            List.of("root"),
                            new TreeMap<>(),
                            now(),
                            new byte[0]));
            return id;
        }
    }

    /** Adds another file named {@code name} holding {@code data}, newer than the others (as Drive allows). */
    public void duplicate(String name, byte[] data) {
        synchronized (lock) {
            DFile like = null;
            for (DFile f : files.values()) if (!f.trashed && f.name.equals(name)) like = f;
            if (like == null) throw new IllegalArgumentException("no file " + name);
            String id = newId();
            files.put(
                    id,
                    new DFile(id, name, like.mimeType, like.parents, new TreeMap<>(like.appProperties), now(), data));
        }
    }

    public void pageSize(int n) {
        pageSize = n;
    }

    /** Accepts {@code refreshToken} with {@code clientId} at {@code POST /token}: each refresh makes a new access token the only one. */
    public void refreshToken(String refreshToken, String clientId) {
        this.refreshToken = refreshToken;
        this.clientId = clientId;
    }

    /** The access tokens refreshes handed out. */
    public List<String> refreshed() {
        return List.copyOf(refreshed);
    }

    public void expireToken() {
        expired = true;
    }

    public void token(String t) {
        token = t;
        expired = false;
    }

    /** The next {@code times} requests with {@code method} whose path (with query) matches {@code regex} get {@code fault}. */
    public void failNext(String method, String regex, Fault fault, int times) {
        rules.add(new Rule(method, Pattern.compile(regex), fault, new int[] {times}));
    }

    /** Every request so far: "METHOD path?query". */
    public List<String> log() {
        return List.copyOf(log);
    }

    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    public List<String> faultsServed() {
        return List.copyOf(faultsServed);
    }

    public long bytesIn() {
        return bytesIn.get();
    }

    /** Files not trashed, as "NAME" (folders end in '/'), in creation order; duplicates appear twice. */
    public List<String> names() {
        synchronized (lock) {
            List<String> out = new ArrayList<>();
            for (DFile f : files.values()) {
                if (f.trashed || f.id.equals("root")) continue;
                out.add(f.name + (f.mimeType.equals(GDriveBlobStore.FOLDER_MIME) ? "/" : ""));
            }
            return out;
        }
    }

    /** The bytes of every file (for searching what the server holds). */
    public List<byte[]> storedBytes() {
        synchronized (lock) {
            List<byte[]> out = new ArrayList<>();
            for (DFile f : files.values()) out.add(f.data);
            return out;
        }
    }

    /** The bytes of the newest non-trashed file named {@code name}, or null. */
    public byte[] content(String name) {
        synchronized (lock) {
            byte[] found = null;
            for (DFile f : files.values()) if (!f.trashed && f.name.equals(name)) found = f.data;
            return found;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    private String newId() {
        return String.format("1fAkE%08dxxxxxxxxxxxxxxxxxxxx", nextId++);
    }

    private static final java.time.format.DateTimeFormatter RFC3339 = java.time.format.DateTimeFormatter.ofPattern(
                    "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    /** Drive's createdTime: RFC 3339 in UTC with milliseconds; one millisecond later for each file. */
    private String now() {
        return RFC3339.format(Instant.ofEpochMilli(clock++));
    }

    // ---- dispatch ----

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            String query = ex.getRequestURI().getRawQuery();
            String full = path + (query == null ? "" : "?" + query);
            log.add(method + " " + full);
            byte[] body = ex.getRequestBody().readAllBytes();
            bytesIn.addAndGet(body.length);
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null) authorizations.add(auth);
            if (fault(ex, method, full, body)) return;
            if (path.equals("/token") && method.equals("POST")) {
                oauthToken(ex, body);
                return;
            }
            if (!authorized(ex, auth)) return;
            Map<String, String> q = query(query);
            if (path.equals("/upload/drive/v3/files") && method.equals("POST")) {
                startUpload(ex, body, ex.getRequestHeaders().getFirst("X-Upload-Content-Length"));
            } else if (path.equals("/upload/drive/v3/files") && method.equals("PUT")) {
                putChunk(ex, q.get("upload_id"), ex.getRequestHeaders().getFirst("Content-Range"), body);
            } else if (path.equals("/drive/v3/files/generateIds") && method.equals("GET")) {
                int n = Integer.parseInt(q.getOrDefault("count", "10"));
                ObjectNode out = JSON.createObjectNode()
                        .put("kind", "drive#generatedIds")
                        .put("space", "drive");
                ArrayNode ids = out.putArray("ids");
                synchronized (lock) {
                    for (int i = 0; i < n; i++) ids.add(newId());
                }
                send(ex, 200, out);
            } else if (path.equals("/drive/v3/files") && method.equals("GET")) {
                list(ex, q);
            } else if (path.equals("/drive/v3/files") && method.equals("POST")) {
                JsonNode meta = JSON.readTree(body);
                ObjectNode made = create(meta, new byte[0]);
                if (made == null) send(ex, 409, error(409, "conflict", "A file already exists with the provided ID."));
                else send(ex, 200, made);
            } else {
                Matcher m = FILE.matcher(path);
                if (!m.matches()) {
                    send(ex, 404, error(404, "notFound", "Not Found"));
                    return;
                }
                String id = m.group(1);
                switch (method) {
                    case "GET" -> get(ex, id, q);
                    case "PATCH" -> patch(ex, id, JSON.readTree(body));
                    case "DELETE" -> delete(ex, id);
                    default -> send(ex, 405, error(405, "methodNotAllowed", "Method not allowed"));
                }
            }
        }
    }

    private boolean authorized(HttpExchange ex, String auth) throws IOException {
        String t = token;
        if (t == null) return true;
        if (auth == null || !auth.equals("Bearer " + t) || expired) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"");
            send(ex, 401, error(401, "authError", "Invalid Credentials"));
            return false;
        }
        return true;
    }

    private boolean fault(HttpExchange ex, String method, String full, byte[] body) throws IOException {
        for (Rule r : rules) {
            if (!r.method().equals(method) || !r.path().matcher(full).find()) continue;
            synchronized (r.left()) {
                if (r.left()[0] <= 0) continue;
                r.left()[0]--;
            }
            faultsServed.add(r.fault() + " " + method + " " + full);
            switch (r.fault()) {
                case USER_RATE_403 -> send(ex, 403, error(403, "userRateLimitExceeded", "User rate limit exceeded."));
                case RATE_429 -> send(ex, 429, error(429, "rateLimitExceeded", "Rate Limit Exceeded"));
                case ERROR_500 -> send(ex, 500, error(500, "backendError", "Backend Error"));
                case ERROR_503 -> sendText(ex, 503, "Service Unavailable");
                case EXPIRED_401 -> send(ex, 401, error(401, "authError", "Invalid Credentials"));
                case DROP -> drop(ex);
                case CUT_UPLOAD -> {
                    String id = query(ex.getRequestURI().getRawQuery()).get("upload_id");
                    String range = ex.getRequestHeaders().getFirst("Content-Range");
                    synchronized (lock) {
                        Upload u = id == null ? null : uploads.get(id);
                        Matcher m = range == null ? null : CONTENT_RANGE.matcher(range);
                        if (u != null && m != null && m.matches() && Long.parseLong(m.group(1)) == u.data.size()) {
                            long half = (body.length / 2) / CHUNK_UNIT * CHUNK_UNIT; // Drive keeps whole units
                            u.data.write(body, 0, (int) half);
                        }
                    }
                    drop(ex);
                }
            }
            return true;
        }
        return false;
    }

    /** A short body, then an exception: the JDK server closes the connection at once. */
    private static void drop(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, 1000);
        OutputStream out = ex.getResponseBody();
        out.write("{\"trunc".getBytes(StandardCharsets.UTF_8));
        out.flush();
        throw new IOException("fault: connection dropped");
    }

    // ---- files ----

    private void oauthToken(HttpExchange ex, byte[] body) throws IOException {
        Map<String, String> form = query(new String(body, StandardCharsets.UTF_8));
        String want = refreshToken;
        if (!"refresh_token".equals(form.get("grant_type"))
                || want == null
                || !want.equals(form.get("refresh_token"))
                || !String.valueOf(clientId).equals(form.get("client_id"))) {
            send(
                    ex,
                    400,
                    JSON.createObjectNode().put("error", "invalid_grant").put("error_description", "Bad Request"));
            return;
        }
        String fresh = "ya29.refreshed-" + refreshed.size() + "-" + Long.toHexString(System.nanoTime());
        refreshed.add(fresh);
        token(fresh);
        send(
                ex,
                200,
                JSON.createObjectNode()
                        .put("access_token", fresh)
                        .put("expires_in", 3599)
                        .put("scope", "https://www.googleapis.com/auth/drive.file")
                        .put("token_type", "Bearer"));
    }

    private ObjectNode meta(DFile f) {
        ObjectNode n = JSON.createObjectNode();
        n.put("kind", "drive#file");
        n.put("id", f.id);
        n.put("name", f.name);
        n.put("mimeType", f.mimeType);
        ArrayNode p = n.putArray("parents");
        f.parents.forEach(p::add);
        n.put("createdTime", f.createdTime);
        n.put("trashed", f.trashed);
        if (!f.mimeType.equals(GDriveBlobStore.FOLDER_MIME)) n.put("size", String.valueOf(f.data.length));
        if (!f.appProperties.isEmpty()) {
            ObjectNode a = n.putObject("appProperties");
            f.appProperties.forEach(a::put);
        }
        return n;
    }

    /** Creates a file from its metadata; null when its id is taken. */
    private ObjectNode create(JsonNode meta, byte[] data) {
        synchronized (lock) {
            String id = meta.path("id").asText("");
            if (!id.isEmpty() && files.containsKey(id)) return null;
            if (id.isEmpty()) id = newId();
            List<String> parents = new ArrayList<>();
            for (JsonNode p : meta.path("parents")) parents.add(p.asText());
            if (parents.isEmpty()) parents.add("root");
            Map<String, String> props = new TreeMap<>();
            var it = meta.path("appProperties").properties().iterator();
            while (it.hasNext()) {
                var e = it.next();
                props.put(e.getKey(), e.getValue().asText());
            }
            DFile f = new DFile(
                    id,
                    meta.path("name").asText("Untitled"),
                    meta.path("mimeType").asText("application/octet-stream"),
                    parents,
                    props,
                    now(),
                    data);
            files.put(id, f);
            return meta(f);
        }
    }

    private void get(HttpExchange ex, String id, Map<String, String> q) throws IOException {
        DFile f;
        synchronized (lock) {
            f = files.get(id);
        }
        if (f == null) {
            send(ex, 404, error(404, "notFound", "File not found: " + id + "."));
            return;
        }
        if (!"media".equals(q.get("alt"))) {
            send(ex, 200, meta(f));
            return;
        }
        byte[] data = f.data;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null && range.startsWith("bytes=")) {
            String[] se = range.substring(6).split("-", 2);
            long start = Long.parseLong(se[0]);
            long end = se[1].isEmpty() ? data.length - 1 : Math.min(Long.parseLong(se[1]), data.length - 1);
            if (start >= data.length) {
                sendBytes(ex, 416, new byte[0], "text/plain");
                return;
            }
            ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + data.length);
            sendBytes(ex, 206, Arrays.copyOfRange(data, (int) start, (int) end + 1), "application/octet-stream");
            return;
        }
        sendBytes(ex, 200, data, "application/octet-stream");
    }

    private void patch(HttpExchange ex, String id, JsonNode body) throws IOException {
        ObjectNode out;
        synchronized (lock) {
            DFile f = files.get(id);
            if (f == null) {
                send(ex, 404, error(404, "notFound", "File not found: " + id + "."));
                return;
            }
            if (body.has("name")) f.name = body.path("name").asText();
            if (body.has("trashed")) f.trashed = body.path("trashed").asBoolean();
            var it = body.path("appProperties").properties().iterator();
            while (it.hasNext()) {
                var e = it.next();
                if (e.getValue().isNull()) f.appProperties.remove(e.getKey());
                else f.appProperties.put(e.getKey(), e.getValue().asText());
            }
            out = meta(f);
        }
        send(ex, 200, out);
    }

    private void delete(HttpExchange ex, String id) throws IOException {
        DFile f;
        synchronized (lock) {
            f = files.remove(id);
        }
        if (f == null) send(ex, 404, error(404, "notFound", "File not found: " + id + "."));
        else sendBytes(ex, 204, new byte[0], "text/plain");
    }

    private void list(HttpExchange ex, Map<String, String> q) throws IOException {
        Predicate<DFile> match;
        try {
            match = parse(q.getOrDefault("q", ""));
        } catch (IllegalArgumentException e) {
            send(ex, 400, error(400, "invalid", "Invalid Value"));
            return;
        }
        List<DFile> all = new ArrayList<>();
        synchronized (lock) {
            for (DFile f : files.values()) if (!f.id.equals("root") && match.test(f)) all.add(f);
        }
        int size = Math.min(Integer.parseInt(q.getOrDefault("pageSize", "100")), pageSize);
        int from =
                q.containsKey("pageToken") ? Integer.parseInt(q.get("pageToken").substring(1)) : 0;
        int to = Math.min(all.size(), from + size);
        ObjectNode out = JSON.createObjectNode().put("kind", "drive#fileList");
        ArrayNode list = out.putArray("files");
        for (int i = from; i < to; i++) list.add(meta(all.get(i)));
        if (to < all.size()) out.put("nextPageToken", "p" + to);
        send(ex, 200, out);
    }

    private static final Pattern IN_PARENTS = Pattern.compile("'((?:[^'\\\\]|\\\\.)*)' in parents");
    private static final Pattern EQUALS = Pattern.compile("(name|mimeType) = '((?:[^'\\\\]|\\\\.)*)'");
    private static final Pattern TRASHED = Pattern.compile("trashed = (true|false)");
    private static final Pattern HAS = Pattern.compile(
            "appProperties has \\{ ?key ?= ?'((?:[^'\\\\]|\\\\.)*)' and value ?= ?'((?:[^'\\\\]|\\\\.)*)' ?\\}");

    private static String unquote(String s) {
        return s.replace("\\'", "'").replace("\\\\", "\\");
    }

    /** The subset of Drive's query language Forge uses: terms joined by "and" outside quotes and braces. */
    static Predicate<DFile> parse(String q) {
        List<String> terms = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < q.length(); i++) {
            char c = q.charAt(i);
            if (quoted) {
                if (c == '\\') i++;
                else if (c == '\'') quoted = false;
                continue;
            }
            if (c == '\'') quoted = true;
            else if (c == '{') depth++;
            else if (c == '}') depth--;
            else if (depth == 0 && q.startsWith(" and ", i)) {
                terms.add(q.substring(start, i).strip());
                start = i + 5;
                i += 4;
            }
        }
        if (!q.isBlank()) terms.add(q.substring(start).strip());
        Predicate<DFile> p = f -> true;
        for (String t : terms) {
            Matcher m;
            if ((m = IN_PARENTS.matcher(t)).matches()) {
                String parent = unquote(m.group(1));
                p = p.and(f -> f.parents.contains(parent));
            } else if ((m = EQUALS.matcher(t)).matches()) {
                String field = m.group(1);
                String v = unquote(m.group(2));
                p = p.and(f -> (field.equals("name") ? f.name : f.mimeType).equals(v));
            } else if ((m = TRASHED.matcher(t)).matches()) {
                boolean v = m.group(1).equals("true");
                p = p.and(f -> f.trashed == v);
            } else if ((m = HAS.matcher(t)).matches()) {
                String k = unquote(m.group(1));
                String v = unquote(m.group(2));
                p = p.and(f -> v.equals(f.appProperties.get(k)));
            } else {
                throw new IllegalArgumentException("unsupported query term: " + t);
            }
        }
        return p;
    }

    // ---- resumable uploads ----

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");

    private void startUpload(HttpExchange ex, byte[] body, String length) throws IOException {
        JsonNode meta = JSON.readTree(body);
        String id = meta.path("id").asText("");
        String uploadId;
        synchronized (lock) {
            if (!id.isEmpty() && files.containsKey(id)) {
                send(ex, 409, error(409, "conflict", "A file already exists with the provided ID."));
                return;
            }
            uploadId = "up" + nextId++;
            uploads.put(uploadId, new Upload(meta, length == null ? -1 : Long.parseLong(length)));
        }
        ex.getResponseHeaders()
                .set("Location", api() + "/upload/drive/v3/files?uploadType=resumable&upload_id=" + uploadId);
        sendBytes(ex, 200, new byte[0], "text/plain");
    }

    private void putChunk(HttpExchange ex, String uploadId, String range, byte[] body) throws IOException {
        ObjectNode done = null;
        String have = null;
        synchronized (lock) {
            Upload u = uploadId == null ? null : uploads.get(uploadId);
            if (u == null) {
                send(ex, 404, error(404, "notFound", "Upload session not found"));
                return;
            }
            if (range == null) {
                send(ex, 400, error(400, "badRequest", "Content-Range missing"));
                return;
            }
            long total;
            if (range.startsWith("bytes */")) {
                total = Long.parseLong(range.substring(8));
            } else {
                Matcher m = CONTENT_RANGE.matcher(range);
                if (!m.matches()) {
                    send(ex, 400, error(400, "badRequest", "Bad Content-Range"));
                    return;
                }
                long start = Long.parseLong(m.group(1));
                long end = Long.parseLong(m.group(2));
                total = Long.parseLong(m.group(3));
                if (end - start + 1 != body.length || start != u.data.size()) {
                    // Drive answers a chunk that does not start where it stands with where it stands.
                    have = u.data.size() == 0 ? null : "bytes=0-" + (u.data.size() - 1);
                    total = -2;
                } else if (end + 1 != total && body.length % CHUNK_UNIT != 0) {
                    send(ex, 400, error(400, "badRequest", "chunk size must be a multiple of 256 KiB"));
                    return;
                } else {
                    u.data.writeBytes(body);
                }
            }
            if (total != -2) {
                if (u.data.size() == total) {
                    uploads.remove(uploadId);
                    done = create(u.meta, u.data.toByteArray());
                    if (done == null) {
                        send(ex, 409, error(409, "conflict", "A file already exists with the provided ID."));
                        return;
                    }
                } else {
                    have = u.data.size() == 0 ? null : "bytes=0-" + (u.data.size() - 1);
                }
            }
        }
        if (done != null) {
            send(ex, 200, done);
            return;
        }
        if (have != null) ex.getResponseHeaders().set("Range", have);
        sendBytes(ex, 308, new byte[0], "text/plain");
    }

    // ---- answers ----

    private static ObjectNode error(int code, String reason, String message) {
        ObjectNode n = JSON.createObjectNode();
        ObjectNode e = n.putObject("error");
        e.put("code", code);
        e.put("message", message);
        e.putArray("errors")
                .addObject()
                .put("domain", code == 403 || code == 429 ? "usageLimits" : "global")
                .put("reason", reason)
                .put("message", message);
        return n;
    }

    private void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        sendBytes(ex, status, JSON.writeValueAsBytes(body), "application/json; charset=UTF-8");
    }

    private void sendText(HttpExchange ex, int status, String text) throws IOException {
        sendBytes(ex, status, text.getBytes(StandardCharsets.UTF_8), "text/html");
    }

    private static void sendBytes(HttpExchange ex, int status, byte[] body, String type) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) return out;
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0)
                out.put(
                        URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
