package dev.forge.mirror.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the parts of GitHub's REST API that {@code github://} remotes use, on
 * 127.0.0.1, laid out like GitHub Enterprise Server ({@code http://127.0.0.1:PORT/api/v3}, uploads at
 * {@code /api/uploads}), with GitHub's status codes, headers and error bodies as documented:
 *
 * <ul>
 *   <li>{@code GET /repos/O/R}; the Contents API ({@code GET|PUT|DELETE /repos/O/R/contents/PATH}, blob
 *       {@code sha} = git's SHA-1 of the blob, 422 for a create over an existing file, 409 for a stale
 *       sha, directory listings as arrays cut off at 1,000 entries as GitHub documents); {@code GET
 *       /repos/O/R/git/trees/SHA} for a folder's sha from a listing (all its entries);
 *   <li>releases ({@code GET|POST /repos/O/R/releases}, 422 {@code already_exists} for a taken tag, 422
 *       for a release in an empty repository), their assets ({@code GET .../releases/ID/assets}),
 *       uploads ({@code POST .../releases/ID/assets?name=N}: 422 {@code already_exists} for a taken name
 *       in that release, 422 beyond {@link #assetLimit} assets), {@code GET
 *       .../releases/assets/ID} ({@code Accept: application/octet-stream}: 302 to {@code /storage/ID},
 *       which serves the bytes with Range and must never see the token), and {@code DELETE}s;
 *   <li>pagination with {@code per_page}, {@code page} and a {@code Link} header, at most {@link
 *       #pageSize} entries a page;
 *   <li>a private repository: no token is 404, a wrong one 401 "Bad credentials".
 * </ul>
 *
 * Faults are switched on per request pattern: {@link #failNext}. forge-cli's end-to-end tests run it
 * in their own JVM through this module's test-jar.
 */
public final class FakeGitHub implements AutoCloseable {
    /** What a request that matches a fault gets instead of its answer. */
    public enum Fault {
        /** 403 "You have exceeded a secondary rate limit" with Retry-After: 1. */
        SECONDARY_403,
        /** 403 with X-RateLimit-Remaining: 0 and X-RateLimit-Reset a second ahead. */
        PRIMARY_403,
        /** 429 with Retry-After: 1. */
        TOO_MANY_429,
        /** 500, 502, 503 with an HTML body, as GitHub's front ends send. */
        ERROR_500,
        ERROR_502,
        ERROR_503,
        /** The answer's headers announce a body and the connection closes after a few bytes of it. */
        DROP,
        /** An upload that stores a "starter" asset holding part of the bytes, then answers 502. */
        STARTER_502,
        /** 409 "is at X but expected Y": the branch moved under another write; nothing changed. */
        BRANCH_MOVED_409
    }

    private record Rule(String method, Pattern path, Fault fault, int[] left) {}

    private static final class Asset {
        final long id;
        final long releaseId;
        final String name;
        byte[] data;
        String state;

        Asset(long id, long releaseId, String name, byte[] data, String state) {
            this.id = id;
            this.releaseId = releaseId;
            this.name = name;
            this.data = data;
            this.state = state;
        }
    }

    private record Release(long id, String tag, String name) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REPO = Pattern.compile("/api/v3/repos/([^/]+)/([^/]+)(/.*)?");
    private static final Pattern UPLOAD = Pattern.compile("/api/uploads/repos/([^/]+)/([^/]+)/releases/(\\d+)/assets");
    private static final Pattern STORAGE = Pattern.compile("/storage/(\\d+)");

    private final HttpServer server;
    private final ExecutorService pool;
    private final String owner;
    private final String repo;
    private volatile String token;
    private volatile String readOnlyToken;
    private volatile int pageSize = 100;
    private volatile int assetLimit = 1000;
    private volatile int holdAfter = -1;
    private volatile java.util.concurrent.CountDownLatch holdLatch = new java.util.concurrent.CountDownLatch(0);
    private final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();

    private final Object lock = new Object();
    private final TreeMap<String, byte[]> files = new TreeMap<>();
    private final Map<Long, Release> releases = new LinkedHashMap<>();
    private final Map<Long, Asset> assets = new LinkedHashMap<>();
    private long nextId = 100;

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<String> storageAuthorizations = new CopyOnWriteArrayList<>();
    private final List<String> faultsServed = new CopyOnWriteArrayList<>();

    private FakeGitHub(String owner, String repo, String token) throws IOException {
        this.owner = owner;
        this.repo = repo;
        this.token = token;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-github");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A server for repository {@code owner/repo} that accepts only {@code token} (null: no token needed). */
    public static FakeGitHub start(String owner, String repo, String token) throws IOException {
        return new FakeGitHub(owner, repo, token);
    }

    /** The API base: {@code http://127.0.0.1:PORT/api/v3}. */
    public String api() {
        return base() + "/api/v3";
    }

    /** The remote URL of the repository. */
    public String url() {
        return "github://" + owner + "/" + repo + "?api=" + api();
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** At most {@code n} entries per page of a list, whatever {@code per_page} asks. */
    public void pageSize(int n) {
        pageSize = n;
    }

    /** At most {@code n} assets per release (GitHub's is 1000). */
    public void assetLimit(int n) {
        assetLimit = n;
    }

    /** Also accept {@code t}, for reading only: its writes get 403 "Resource not accessible by personal access token". */
    public void readOnlyToken(String t) {
        readOnlyToken = t;
    }

    /**
     * Once {@code n} assets are stored, every further upload is held, its body received but no answer
     * given, until {@link #releaseUploads}: then it is stored and answered (to a client that may be gone).
     */
    public void holdUploadsAfter(int n) {
        holdLatch = new java.util.concurrent.CountDownLatch(1);
        holdAfter = n;
    }

    /** Lets held uploads go on. */
    public void releaseUploads() {
        holdAfter = -1;
        holdLatch.countDown();
    }

    /** Uploads held right now. */
    public int heldUploads() {
        return held.get();
    }

    /** From now on only {@code t} is accepted (an expired or revoked token: 401 "Bad credentials"). */
    public void token(String t) {
        token = t;
    }

    /** The next {@code times} requests with {@code method} whose path matches {@code pathRegex} get {@code fault}. */
    public void failNext(String method, String pathRegex, Fault fault, int times) {
        rules.add(new Rule(method, Pattern.compile(pathRegex), fault, new int[] {times}));
    }

    /** Every request so far: "METHOD path?query". */
    public List<String> log() {
        return List.copyOf(log);
    }

    /** The faults served so far, as "FAULT METHOD path". */
    public List<String> faultsServed() {
        return List.copyOf(faultsServed);
    }

    /** Authorization headers that reached the storage host (must stay empty). */
    public List<String> storageAuthorizations() {
        return List.copyOf(storageAuthorizations);
    }

    /** The repository's files, by path. */
    public Map<String, byte[]> files() {
        synchronized (lock) {
            return new TreeMap<>(files);
        }
    }

    /** Every asset as "TAG/NAME STATE SIZE". */
    public List<String> assets() {
        synchronized (lock) {
            List<String> out = new ArrayList<>();
            for (Asset a : assets.values())
                out.add(releases.get(a.releaseId).tag() + "/" + a.name + " " + a.state + " " + a.data.length);
            return out;
        }
    }

    /** All stored bytes (files and assets), for searching what the server holds. */
    public List<byte[]> storedBytes() {
        synchronized (lock) {
            List<byte[]> out = new ArrayList<>(files.values());
            for (Asset a : assets.values()) out.add(a.data);
            return out;
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
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            String query = ex.getRequestURI().getRawQuery();
            log.add(method + " " + path + (query == null ? "" : "?" + query));
            byte[] body = ex.getRequestBody().readAllBytes();
            Matcher st = STORAGE.matcher(path);
            if (st.matches() && method.equals("GET")) {
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                if (auth != null) storageAuthorizations.add(auth);
                if (fault(ex, method, path, body)) return;
                storage(ex, Long.parseLong(st.group(1)));
                return;
            }
            if (fault(ex, method, path, body)) return;
            if (!authorized(ex)) return;
            Matcher up = UPLOAD.matcher(path);
            if (up.matches() && method.equals("POST") && ours(up.group(1), up.group(2))) {
                int stored;
                synchronized (lock) {
                    stored = assets.size();
                }
                if (holdAfter >= 0 && stored >= holdAfter) {
                    held.incrementAndGet();
                    try {
                        holdLatch.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        held.decrementAndGet();
                    }
                }
                upload(ex, Long.parseLong(up.group(3)), query(query).get("name"), body);
                return;
            }
            Matcher m = REPO.matcher(path);
            if (!m.matches() || !ours(m.group(1), m.group(2))) {
                send(ex, 404, error("Not Found"));
                return;
            }
            String rest = m.group(3) == null ? "" : m.group(3);
            Map<String, String> q = query(query);
            if (rest.isEmpty() && method.equals("GET")) {
                ObjectNode n = JSON.createObjectNode();
                n.put("full_name", owner + "/" + repo);
                n.put("default_branch", "main");
                n.put("private", true);
                send(ex, 200, n);
            } else if (rest.startsWith("/git/trees/") && method.equals("GET")) {
                gitTree(ex, rest.substring("/git/trees/".length()));
            } else if (rest.startsWith("/contents")) {
                String p = decode(rest.substring("/contents".length()).replaceAll("^/+", ""));
                contents(ex, method, p, body);
            } else if (rest.equals("/releases") && method.equals("GET")) {
                List<JsonNode> all = new ArrayList<>();
                synchronized (lock) {
                    List<Release> newestFirst = new ArrayList<>(releases.values());
                    java.util.Collections.reverse(newestFirst);
                    for (Release r : newestFirst) all.add(releaseJson(r));
                }
                page(ex, path, q, all);
            } else if (rest.equals("/releases") && method.equals("POST")) {
                createRelease(ex, JSON.readTree(body));
            } else if (rest.matches("/releases/\\d+/assets") && method.equals("GET")) {
                long id = Long.parseLong(rest.split("/")[2]);
                List<JsonNode> all = new ArrayList<>();
                synchronized (lock) {
                    if (!releases.containsKey(id)) {
                        send(ex, 404, error("Not Found"));
                        return;
                    }
                    for (Asset a : assets.values()) if (a.releaseId == id) all.add(assetJson(a));
                }
                page(ex, path, q, all);
            } else if (rest.matches("/releases/assets/\\d+")) {
                long id = Long.parseLong(rest.split("/")[3]);
                assetEndpoint(ex, method, id);
            } else {
                send(ex, 404, error("Not Found"));
            }
        } catch (RuntimeException e) {
            try {
                send(ex, 500, error("fake server failure: " + e));
            } catch (IOException | RuntimeException ignored) {
                // the answer had begun
            }
        }
    }

    private boolean ours(String o, String r) {
        return o.equalsIgnoreCase(owner) && r.equalsIgnoreCase(repo);
    }

    private boolean authorized(HttpExchange ex) throws IOException {
        if (token == null) return true; // a server that takes anyone (for tests that cannot set a token)
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null) {
            send(ex, 404, error("Not Found")); // a private repository is invisible without a token
            return false;
        }
        String t = auth.startsWith("Bearer ") ? auth.substring(7) : auth.startsWith("token ") ? auth.substring(6) : "";
        if (t.equals(readOnlyToken)) {
            if (ex.getRequestMethod().equals("GET")) return true;
            send(ex, 403, error("Resource not accessible by personal access token"));
            return false;
        }
        if (!t.equals(token)) {
            send(ex, 401, error("Bad credentials"));
            return false;
        }
        return true;
    }

    /** Serves a matching fault, if any rule matches; true when it did. */
    private boolean fault(HttpExchange ex, String method, String path, byte[] body) throws IOException {
        for (Rule r : rules) {
            if (!r.method().equals(method) || !r.path().matcher(path).find()) continue;
            synchronized (r.left()) {
                if (r.left()[0] <= 0) continue;
                r.left()[0]--;
            }
            faultsServed.add(r.fault() + " " + method + " " + path);
            switch (r.fault()) {
                case SECONDARY_403 -> {
                    ex.getResponseHeaders().set("Retry-After", "1");
                    send(
                            ex,
                            403,
                            error("You have exceeded a secondary rate limit. Please wait a few minutes before"
                                    + " you try again."));
                }
                case PRIMARY_403 -> {
                    ex.getResponseHeaders().set("X-RateLimit-Limit", "5000");
                    ex.getResponseHeaders().set("X-RateLimit-Remaining", "0");
                    ex.getResponseHeaders()
                            .set(
                                    "X-RateLimit-Reset",
                                    String.valueOf(Instant.now().getEpochSecond() + 1));
                    send(ex, 403, error("API rate limit exceeded for user ID 1."));
                }
                case TOO_MANY_429 -> {
                    ex.getResponseHeaders().set("Retry-After", "1");
                    send(ex, 429, error("Too Many Requests"));
                }
                case ERROR_500 -> sendText(ex, 500, "<html>Internal Server Error</html>");
                case ERROR_502 -> sendText(ex, 502, "<html>Bad Gateway</html>");
                case ERROR_503 -> sendText(ex, 503, "<html>Service Unavailable</html>");
                case DROP -> {
                    ex.getResponseHeaders().set("Content-Type", "application/json");
                    ex.sendResponseHeaders(200, 1000);
                    try {
                        OutputStream out = ex.getResponseBody();
                        out.write("{\"trunc".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        out.close(); // too few bytes: the server closes the connection
                    } catch (IOException expected) {
                        // "insufficient bytes written"
                    }
                }
                case STARTER_502 -> {
                    Matcher up = UPLOAD.matcher(path);
                    if (up.matches()) {
                        String name = query(ex.getRequestURI().getRawQuery()).get("name");
                        synchronized (lock) {
                            long rel = Long.parseLong(up.group(3));
                            boolean taken = false;
                            for (Asset a : assets.values()) taken |= a.releaseId == rel && a.name.equals(name);
                            if (!taken) {
                                long id = nextId++;
                                assets.put(
                                        id, new Asset(id, rel, name, Arrays.copyOf(body, body.length / 2), "starter"));
                            }
                        }
                    }
                    sendText(ex, 502, "<html>Bad Gateway</html>");
                }
                case BRANCH_MOVED_409 ->
                    send(
                            ex,
                            409,
                            error("is at 0929670cc804228df5f0b3e8f7a741dfb735ba62 but expected"
                                    + " c45b5444e7ae45df5356ca2b8dbf49db646826d4"));
            }
            return true;
        }
        return false;
    }

    // ---- Contents API ----

    /** The Contents API's cap on a directory listing (GitHub's documented 1,000 files). */
    public static final int DIRECTORY_LIMIT = 1000;

    /** Directory path to its tree sha, as handed out by listings, for {@code GET /git/trees/SHA}. */
    private final Map<String, String> treeShas = new HashMap<>();

    /** The entries of folder {@code path} ("" for the root) as the Contents API lists them, by name. */
    private Map<String, ObjectNode> children(String path) {
        String dir = path.isEmpty() ? "" : path + "/";
        Map<String, ObjectNode> children = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : files.tailMap(dir).entrySet()) {
            if (!e.getKey().startsWith(dir)) break;
            String rest = e.getKey().substring(dir.length());
            int slash = rest.indexOf('/');
            if (slash < 0) {
                children.put(rest, entry(e.getKey(), e.getValue()));
            } else if (!children.containsKey(rest.substring(0, slash))) {
                String sub = rest.substring(0, slash);
                ObjectNode d = JSON.createObjectNode();
                d.put("type", "dir");
                d.put("name", sub);
                d.put("path", dir + sub);
                d.put("size", 0);
                d.put("sha", treeSha(dir + sub));
                children.put(sub, d);
            }
        }
        return children;
    }

    /** A sha for folder {@code path} that changes with what it holds (git's tree id stands in here). */
    private String treeSha(String path) {
        StringBuilder b = new StringBuilder("tree ").append(path).append('\n');
        String dir = path + "/";
        for (Map.Entry<String, byte[]> e : files.tailMap(dir).entrySet()) {
            if (!e.getKey().startsWith(dir)) break;
            b.append(e.getKey()).append(' ').append(sha(e.getValue())).append('\n');
        }
        String sha = sha(b.toString().getBytes(StandardCharsets.UTF_8));
        treeShas.put(sha, path);
        return sha;
    }

    /**
     * {@code GET /repos/O/R/git/trees/SHA} (not recursive): every entry of that folder at once, with
     * {@code path} relative to it, {@code type} blob or tree, and blobs' {@code size}.
     */
    private void gitTree(HttpExchange ex, String sha) throws IOException {
        synchronized (lock) {
            String path = treeShas.get(sha);
            if (path == null || !treeSha(path).equals(sha)) {
                send(ex, 404, error("Not Found"));
                return;
            }
            ArrayNode tree = JSON.createArrayNode();
            for (ObjectNode c : children(path).values()) {
                ObjectNode t = tree.addObject();
                boolean dir = c.path("type").asText().equals("dir");
                t.put("path", c.path("name").asText());
                t.put("mode", dir ? "040000" : "100644");
                t.put("type", dir ? "tree" : "blob");
                t.put("sha", c.path("sha").asText());
                if (!dir) t.put("size", c.path("size").asLong());
            }
            ObjectNode n = JSON.createObjectNode();
            n.put("sha", sha);
            n.set("tree", tree);
            n.put("truncated", false);
            send(ex, 200, n);
        }
    }

    private void contents(HttpExchange ex, String method, String path, byte[] body) throws IOException {
        synchronized (lock) {
            switch (method) {
                case "GET" -> {
                    byte[] f = files.get(path);
                    if (f != null) {
                        String accept = ex.getRequestHeaders().getFirst("Accept");
                        if (accept != null && accept.contains("raw")) {
                            sendBytes(ex, 200, f, "application/vnd.github.raw");
                            return;
                        }
                        ObjectNode n = entry(path, f);
                        if (f.length <= 1_000_000) {
                            n.put("encoding", "base64");
                            n.put("content", Base64.getMimeEncoder().encodeToString(f));
                        } else {
                            n.put("encoding", "none");
                            n.put("content", "");
                        }
                        send(ex, 200, n);
                        return;
                    }
                    Map<String, ObjectNode> children = children(path);
                    if (children.isEmpty()) {
                        send(ex, 404, error("Not Found"));
                        return;
                    }
                    // "This API has an upper limit of 1,000 files for a directory": the rest is cut off.
                    ArrayNode arr = JSON.createArrayNode();
                    children.values().stream().limit(DIRECTORY_LIMIT).forEach(arr::add);
                    send(ex, 200, arr);
                }
                case "PUT" -> {
                    JsonNode req = JSON.readTree(body);
                    if (!req.hasNonNull("message") || !req.hasNonNull("content")) {
                        send(
                                ex,
                                422,
                                validation("Invalid request.\n\n\"message\" and \"content\" are required.", null));
                        return;
                    }
                    byte[] data =
                            Base64.getMimeDecoder().decode(req.path("content").asText());
                    byte[] old = files.get(path);
                    String sha = req.hasNonNull("sha") ? req.path("sha").asText() : null;
                    if (old != null && sha == null) {
                        send(ex, 422, validation("Invalid request.\n\n\"sha\" wasn't supplied.", null));
                        return;
                    }
                    if ((old == null && sha != null) || (old != null && !sha.equals(sha(old)))) {
                        send(ex, 409, error(path + " does not match " + sha));
                        return;
                    }
                    files.put(path, data);
                    ObjectNode n = JSON.createObjectNode();
                    n.set("content", entry(path, data));
                    n.putObject("commit").put("sha", sha(("commit " + nextId++).getBytes(StandardCharsets.UTF_8)));
                    send(ex, old == null ? 201 : 200, n);
                }
                case "DELETE" -> {
                    JsonNode req = JSON.readTree(body);
                    byte[] old = files.get(path);
                    if (old == null) {
                        send(ex, 404, error("Not Found"));
                        return;
                    }
                    if (!req.hasNonNull("sha")) {
                        send(ex, 422, validation("Invalid request.\n\n\"sha\" wasn't supplied.", null));
                        return;
                    }
                    if (!req.path("sha").asText().equals(sha(old))) {
                        send(
                                ex,
                                409,
                                error(path + " does not match "
                                        + req.path("sha").asText()));
                        return;
                    }
                    files.remove(path);
                    ObjectNode n = JSON.createObjectNode();
                    n.putNull("content");
                    n.putObject("commit").put("sha", sha(("commit " + nextId++).getBytes(StandardCharsets.UTF_8)));
                    send(ex, 200, n);
                }
                default -> send(ex, 404, error("Not Found"));
            }
        }
    }

    private static ObjectNode entry(String path, byte[] f) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "file");
        n.put("name", path.substring(path.lastIndexOf('/') + 1));
        n.put("path", path);
        n.put("size", f.length);
        n.put("sha", sha(f));
        return n;
    }

    /** Git's blob id: SHA-1 of "blob LENGTH\0" and the bytes. */
    static String sha(byte[] data) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-1");
            d.update(("blob " + data.length + "\0").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- releases ----

    private void createRelease(HttpExchange ex, JsonNode req) throws IOException {
        String tag = req.path("tag_name").asText("");
        synchronized (lock) {
            if (files.isEmpty()) {
                send(ex, 422, validation("Repository is empty.", null));
                return;
            }
            for (Release r : releases.values()) {
                if (r.tag().equals(tag)) {
                    send(ex, 422, validation("Validation Failed", "already_exists"));
                    return;
                }
            }
            long id = nextId++;
            Release r = new Release(id, tag, req.path("name").asText(tag));
            releases.put(id, r);
            send(ex, 201, releaseJson(r));
        }
    }

    private ObjectNode releaseJson(Release r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", r.id());
        n.put("tag_name", r.tag());
        n.put("name", r.name());
        n.put("draft", false);
        n.put(
                "upload_url",
                base() + "/api/uploads/repos/" + owner + "/" + repo + "/releases/" + r.id() + "/assets{?name,label}");
        ArrayNode a = n.putArray("assets");
        for (Asset x : assets.values()) if (x.releaseId == r.id()) a.add(assetJson(x));
        return n;
    }

    private ObjectNode assetJson(Asset a) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", a.id);
        n.put("name", a.name);
        n.put("state", a.state);
        n.put("size", a.data.length);
        n.put("content_type", "application/octet-stream");
        n.put("url", api() + "/repos/" + owner + "/" + repo + "/releases/assets/" + a.id);
        return n;
    }

    private void upload(HttpExchange ex, long releaseId, String name, byte[] body) throws IOException {
        synchronized (lock) {
            if (!releases.containsKey(releaseId) || name == null) {
                send(ex, 404, error("Not Found"));
                return;
            }
            int count = 0;
            for (Asset a : assets.values()) {
                if (a.releaseId != releaseId) continue;
                count++;
                if (a.name.equals(name)) {
                    send(ex, 422, validation("Validation Failed", "already_exists"));
                    return;
                }
            }
            if (count >= assetLimit) {
                send(ex, 422, validation("Validation Failed", "custom"));
                return;
            }
            long id = nextId++;
            Asset a = new Asset(id, releaseId, name, body, "uploaded");
            assets.put(id, a);
            send(ex, 201, assetJson(a));
        }
    }

    private void assetEndpoint(HttpExchange ex, String method, long id) throws IOException {
        synchronized (lock) {
            Asset a = assets.get(id);
            if (a == null) {
                send(ex, 404, error("Not Found"));
                return;
            }
            if (method.equals("DELETE")) {
                assets.remove(id);
                ex.sendResponseHeaders(204, -1);
                return;
            }
            if (!method.equals("GET")) {
                send(ex, 404, error("Not Found"));
                return;
            }
            String accept = ex.getRequestHeaders().getFirst("Accept");
            if (accept != null && accept.contains("application/octet-stream")) {
                ex.getResponseHeaders().set("Location", base() + "/storage/" + id + "?X-Amz-Signature=fake" + id);
                ex.sendResponseHeaders(302, -1);
                return;
            }
            send(ex, 200, assetJson(a));
        }
    }

    private void storage(HttpExchange ex, long id) throws IOException {
        byte[] data;
        synchronized (lock) {
            Asset a = assets.get(id);
            if (a == null) {
                sendText(ex, 404, "<Error><Code>NoSuchKey</Code></Error>");
                return;
            }
            data = a.data;
        }
        String range = ex.getRequestHeaders().getFirst("Range");
        Matcher m =
                range == null ? null : Pattern.compile("bytes=(\\d+)-(\\d+)").matcher(range);
        if (m != null && m.matches()) {
            int from = Integer.parseInt(m.group(1));
            int to = Math.min(Integer.parseInt(m.group(2)), data.length - 1);
            if (from >= data.length) {
                sendText(ex, 416, "");
                return;
            }
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + data.length);
            sendBytes(ex, 206, Arrays.copyOfRange(data, from, to + 1), "application/octet-stream");
            return;
        }
        sendBytes(ex, 200, data, "application/octet-stream");
    }

    // ---- pagination and answers ----

    private void page(HttpExchange ex, String path, Map<String, String> q, List<JsonNode> all) throws IOException {
        int per = Math.min(pageSize, Integer.parseInt(q.getOrDefault("per_page", "30")));
        int page = Integer.parseInt(q.getOrDefault("page", "1"));
        int from = Math.min(all.size(), (page - 1) * per);
        int to = Math.min(all.size(), from + per);
        int last = Math.max(1, (all.size() + per - 1) / per);
        List<String> links = new ArrayList<>();
        String link = base() + path + "?per_page=" + per + "&page=";
        if (page < last) links.add("<" + link + (page + 1) + ">; rel=\"next\"");
        links.add("<" + link + last + ">; rel=\"last\"");
        if (page > 1) links.add("<" + link + "1>; rel=\"first\"");
        ex.getResponseHeaders().set("Link", String.join(", ", links));
        ArrayNode arr = JSON.createArrayNode();
        for (JsonNode n : all.subList(from, to)) arr.add(n);
        send(ex, 200, arr);
    }

    private static ObjectNode error(String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("message", message);
        n.put("documentation_url", "https://docs.github.com/rest");
        return n;
    }

    private static ObjectNode validation(String message, String code) {
        ObjectNode n = error(message);
        if (code != null)
            n.putArray("errors").addObject().put("resource", "Release").put("code", code);
        return n;
    }

    private void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        ex.getResponseHeaders().putIfAbsent("X-RateLimit-Limit", List.of("5000"));
        ex.getResponseHeaders().putIfAbsent("X-RateLimit-Remaining", List.of("4999"));
        sendBytes(ex, status, JSON.writeValueAsBytes(body), "application/json; charset=utf-8");
    }

    private static void sendText(HttpExchange ex, int status, String text) throws IOException {
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
            if (eq > 0) out.put(decode(kv.substring(0, eq)), decode(kv.substring(eq + 1)));
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
