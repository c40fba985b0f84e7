package dev.forge.mirror.gdrive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.RemoteUrl;
import dev.forge.mirror.auth.OAuthRefresh;
import dev.forge.mirror.blob.BlobNames;
import dev.forge.mirror.blob.RetryAfter;
import dev.forge.mirror.blob.RetryPolicy;
import dev.forge.mirror.dropbox.DropboxContentHash;
import dev.forge.mirror.http.BearerHttp;
import dev.forge.mirror.http.UploadSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A blob store in a Google Drive folder, over the Drive API v3 (scope {@code drive.file}: Forge sees
 * only what it made). The layout and the compare-and-swap are in docs/format.md, "Google Drive remotes":
 *
 * <ul>
 *   <li><b>Packs</b> ({@code packs/<file>}, one segment after {@code packs/}: content-named, never
 *       changed) are Drive files named by the blob name in the folder, with {@code appProperties
 *       forgeKind=pack}, uploaded by resumable upload in chunks of a multiple of 256 KiB; an upload cut
 *       short is resumed where Drive says it stands (a status query answered 308 with {@code Range}).
 *       Drive allows several files of one name: a retried upload whose first answer was lost can leave
 *       two, which hold the same bytes; the newest ({@code createdTime}, then id) is read, a put deletes
 *       the others, and a listing names each once.
 *   <li><b>Every other blob</b> (config, refs, locks, listings) lives in the <b>state chain</b>: a chain
 *       of small JSON files ({@code forge-state-<seq>}), each holding every such blob and, in {@code
 *       appProperties}, the file id reserved (files.generateIds) for the next one. A write creates the
 *       next file <i>with that reserved id</i>; Drive creates a file of a given id at most once and answers
 *       409 to every later create, so of several writers exactly one extends the chain: a
 *       compare-and-swap that Drive itself decides. The head is found by following the reserved ids
 *       with files.get (by id, so no search index is involved) until one does not exist. The first
 *       id is named by the oldest {@code forge-genesis} marker file, which first writers propose.
 * </ul>
 *
 * <p>Failures: 403 {@code userRateLimitExceeded}/{@code rateLimitExceeded} and 429 are retryable (the
 * retrying decorator backs off exponentially, or waits Retry-After when Drive sends one), as are 5xx
 * and dropped connections; 401 (an expired or wrong token), other 403s and 400 are not (exit 10, one
 * line, never the token). At most {@link #MAX_WRITES} creates run at once (Google asks for a sustained
 * write rate of a few per second per user); downloads run at the remote's parallelism.
 */
public final class GDriveBlobStore implements BlobStore {
    /** Default upload chunk: 8 MiB, a multiple of Drive's 256 KiB. */
    public static final long DEFAULT_CHUNK = 8L << 20;
    /** Drive's unit for resumable upload chunks. */
    public static final long CHUNK_UNIT = 256L << 10;
    /** Creates in flight at once. */
    static final int MAX_WRITES = 3;
    /** Every this many state files, the ones more than {@link #KEEP} behind the head are deleted. */
    static final int PRUNE_EVERY = 16;

    static final int KEEP = 16;
    static final String FOLDER_MIME = "application/vnd.google-apps.folder";
    static final String KIND = "forgeKind";
    static final String GENESIS = "forgeGenesis";
    static final String STATE_FORMAT = "forge-gdrive-state/1";
    static final String TOKEN_HINT =
            "run 'forge auth login gdrive --with-token' with a new access token, or set FORGE_GDRIVE_TOKEN";
    private static final int MAX_ROUNDS = 50;

    private static final MediaType JSON = MediaType.get("application/json; charset=UTF-8");
    private static final MediaType OCTETS = MediaType.get("application/octet-stream");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final OkHttpClient http;
    private final RemoteUrl.GDrive url;
    private final HttpUrl files; // API/drive/v3/files
    private final HttpUrl uploads; // API/upload/drive/v3/files
    /** The calls, with the bearer token and its refresh. */
    private final BearerHttp calls;

    private final RetryPolicy policy;
    private final long chunk;
    private final Semaphore writes = new Semaphore(MAX_WRITES);
    private final String where;

    private final Object folderLock = new Object();
    private volatile String folderId;
    private volatile String genesisId;
    private final Deque<String> idPool = new ArrayDeque<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** The newest file of each pack name this store has seen (for ranged reads). */
    private final Map<String, JsonNode> known = new ConcurrentHashMap<>();

    private volatile Head cached;
    private volatile long cachedAt;
    /** How long a head seen is walked on from: a day, far less than the 30 days Drive keeps trashed files. */
    private static final long MAX_CACHE_NANOS = TimeUnit.DAYS.toNanos(1);

    /** A resumable upload session for {@code source} (what was being uploaded). */
    private record Session(String uri, String source) {}

    /** One state file: its id, sequence number, the id reserved for the next, its writer's mark, the blobs. */
    private record Head(String id, long seq, String next, String writer, Map<String, Entry> blobs) {}

    /** A blob in the state chain: its bytes and the sequence number of the state file that last wrote it. */
    private record Entry(byte[] data, long version) {}

    GDriveBlobStore(
            RemoteUrl.GDrive url,
            Supplier<Optional<String>> token,
            OAuthRefresh refresher,
            RetryPolicy policy,
            int parallelism,
            long chunk) {
        if (chunk < CHUNK_UNIT || chunk % CHUNK_UNIT != 0)
            throw new IllegalArgumentException("the chunk must be a multiple of 256 KiB, got " + chunk);
        this.url = url;
        this.files = HttpUrl.parse(url.api() + "/drive/v3/files");
        this.uploads = HttpUrl.parse(url.api() + "/upload/drive/v3/files");
        if (files == null || uploads == null)
            throw new ForgeException("bad Google Drive API URL " + RemoteUrl.redact(url.api()));
        this.policy = policy;
        this.chunk = chunk;
        this.folderId = url.folderId();
        this.where = "gdrive://" + (url.folderId() != null ? url.folderId() : url.path())
                + (url.api().equals(RemoteUrl.GDrive.DEFAULT_API) ? "" : " at " + url.api());
        this.http = BearerHttp.client(policy, parallelism);
        this.calls = new BearerHttp(http, policy, where, token, refresher);
    }

    /**
     * Opens the folder {@code url} names, sending the token {@code token} gives (empty: none), and, when
     * Google says it expired and {@code refresher} is not null, the one a refresh gives.
     */
    public static BlobStore open(
            RemoteUrl.GDrive url,
            Supplier<Optional<String>> token,
            OAuthRefresh refresher,
            int parallelism,
            RetryPolicy policy) {
        return new GDriveBlobStore(url, token, refresher, policy, parallelism, DEFAULT_CHUNK);
    }

    /** For tests: a smaller upload chunk (a multiple of 256 KiB), to see uploads in several chunks. */
    public static BlobStore open(
            RemoteUrl.GDrive url,
            Supplier<Optional<String>> token,
            OAuthRefresh refresher,
            RetryPolicy policy,
            long chunk) {
        return new GDriveBlobStore(url, token, refresher, policy, 4, chunk);
    }

    /** Google's OAuth token endpoint, or {@code API/token} for another API base (a test server). */
    public static String tokenEndpoint(RemoteUrl.GDrive url) {
        return url.api().equals(RemoteUrl.GDrive.DEFAULT_API)
                ? "https://oauth2.googleapis.com/token"
                : url.api() + "/token";
    }

    @Override
    public String describe() {
        return where;
    }

    /** Whether {@code name} is a pack or pack index (a Drive file of its own), not a state-chain blob. */
    static boolean isPack(String name) {
        return name.startsWith("packs/") && name.indexOf('/', "packs/".length()) < 0;
    }

    // ---- puts ----

    @Override
    public void put(String name, byte[] data) {
        BlobNames.check(name);
        if (isPack(name)) putPack(name, bytes(data));
        else writeState(name, "put", null, data, (blobs, seq) -> with(blobs, name, data, seq));
    }

    @Override
    public void put(String name, Path file) {
        BlobNames.check(name);
        try {
            if (!isPack(name)) {
                put(name, Files.readAllBytes(file));
                return;
            }
            putPack(
                    name,
                    file(file, Files.size(file), Files.getLastModifiedTime(file).toMillis()));
        } catch (IOException e) {
            throw new ForgeException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data) {
        BlobNames.check(name);
        if (isPack(name)) {
            if (!findPacks(name).isEmpty()) return false;
            putPack(name, bytes(data));
            return true;
        }
        return writeState(
                name,
                "create",
                null,
                data,
                (blobs, seq) -> blobs.containsKey(name) ? null : with(blobs, name, data, seq));
    }

    @Override
    public boolean replaceIfUnchanged(String name, byte[] data, String expectedToken) {
        BlobNames.check(name);
        if (isPack(name)) {
            throw new ForgeException(
                    "a conditional replace of " + name + " is not supported by " + where + " (packs are written once)");
        }
        long expected = version(expectedToken);
        if (expected < 0) return false;
        return writeState(name, "replace", expectedToken, data, (blobs, seq) -> {
            Entry e = blobs.get(name);
            return e == null || e.version() != expected ? null : with(blobs, name, data, seq);
        });
    }

    @Override
    public void delete(String name) {
        BlobNames.check(name);
        if (isPack(name)) {
            sessions.remove(name);
            known.remove(name);
            for (JsonNode f : findPacks(name)) deleteFile(f.path("id").asText(), name);
            return;
        }
        writeState(name, "delete", null, new byte[0], (blobs, seq) -> {
            if (!blobs.containsKey(name)) return null;
            Map<String, Entry> m = new TreeMap<>(blobs);
            m.remove(name);
            return m;
        });
    }

    private static Map<String, Entry> with(Map<String, Entry> blobs, String name, byte[] data, long seq) {
        Map<String, Entry> m = new TreeMap<>(blobs);
        m.put(name, new Entry(data.clone(), seq));
        return m;
    }

    /** The state-file seq a token names ({@code s<seq>#<hash>}), or -1 for a token that is not a state token. */
    private static long version(String token) {
        if (token == null) return -1;
        int mark = token.indexOf('#');
        String v = mark < 0 ? token : token.substring(0, mark);
        if (!v.startsWith("s") || !v.substring(1).matches("\\d{1,18}")) return -1;
        return Long.parseLong(v.substring(1));
    }

    /**
     * A state blob's token: {@code s<seq>} of the state file that last wrote it, {@code #} and the Dropbox
     * content hash of its bytes (so the token vouches for them; only the seq is compared).
     */
    private static String token(Entry e) {
        return "s" + e.version() + "#" + DropboxContentHash.of(e.data());
    }

    // ---- reads ----

    @Override
    public Optional<Versioned> get(String name) {
        BlobNames.check(name);
        if (!isPack(name)) {
            Entry e = head().blobs().get(name);
            return e == null
                    ? Optional.empty()
                    : Optional.of(new Versioned(e.data().clone(), token(e)));
        }
        List<JsonNode> found = findPacks(name);
        if (found.isEmpty()) return Optional.empty();
        JsonNode f = found.getFirst();
        long size = f.path("size").asLong();
        try {
            return Optional.of(new Versioned(
                    download(name, f.path("id").asText(), -1, size),
                    "d" + f.path("id").asText()));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public byte[] get(String name, long offset, int length) {
        BlobNames.check(name);
        if (!isPack(name)) {
            Entry e = head().blobs().get(name);
            if (e == null) throw new NotFoundException("blob " + name + " is missing from " + where);
            if (offset < 0 || length < 0 || offset + length > e.data().length)
                throw pastEnd(name, e.data().length, offset, length);
            return Arrays.copyOfRange(e.data(), (int) offset, (int) offset + length);
        }
        // Ranged reads (a clone's and a fetch's) take the file from what this store last saw of the name: a
        // pack never changes, and a file gone since (a repair, gc) is a 404 that looks the name up again.
        JsonNode f = known.get(name);
        boolean fresh = f == null;
        if (fresh) f = knownPack(name);
        while (true) {
            long size = f.path("size").asLong();
            if (offset < 0 || length < 0 || offset + length > size) throw pastEnd(name, size, offset, length);
            if (length == 0) return new byte[0];
            try {
                return download(name, f.path("id").asText(), offset, length);
            } catch (NotFoundException e) {
                known.remove(name);
                if (fresh) throw e;
                fresh = true;
                f = knownPack(name);
            }
        }
    }

    /** The newest file of pack {@code name}, looked up now and remembered; missing is {@link NotFoundException}. */
    private JsonNode knownPack(String name) {
        List<JsonNode> found = findPacks(name);
        if (found.isEmpty()) throw new NotFoundException("blob " + name + " is missing from " + where);
        known.put(name, found.getFirst());
        return found.getFirst();
    }

    private IntegrityException pastEnd(String name, long size, long offset, int length) {
        return new IntegrityException("blob " + name + " in " + where + " is " + size + " bytes, a read of " + length
                + " at " + offset + " goes past its end");
    }

    @Override
    public Optional<BlobInfo> stat(String name) {
        BlobNames.check(name);
        if (!isPack(name)) {
            Entry e = head().blobs().get(name);
            return e == null ? Optional.empty() : Optional.of(new BlobInfo(name, e.data().length, token(e)));
        }
        List<JsonNode> found = findPacks(name);
        if (found.isEmpty()) return Optional.empty();
        JsonNode f = found.getFirst();
        return Optional.of(
                new BlobInfo(name, f.path("size").asLong(), "d" + f.path("id").asText()));
    }

    @Override
    public List<BlobInfo> list(String prefix) {
        List<BlobInfo> out = new ArrayList<>();
        for (Map.Entry<String, Entry> e : head().blobs().entrySet()) {
            if (e.getKey().startsWith(prefix))
                out.add(new BlobInfo(e.getKey(), e.getValue().data().length, token(e.getValue())));
        }
        if ("packs/".startsWith(prefix) || prefix.startsWith("packs/")) {
            Map<String, JsonNode> newest = new LinkedHashMap<>();
            for (JsonNode f : query("appProperties has { key='" + KIND + "' and value='pack' }", prefix)) {
                String n = f.path("name").asText();
                if (!n.startsWith(prefix) || !isPack(n)) continue;
                JsonNode had = newest.get(n);
                if (had == null || NEWEST_FIRST.compare(f, had) < 0) newest.put(n, f);
            }
            known.putAll(newest);
            for (JsonNode f : newest.values()) {
                out.add(new BlobInfo(
                        f.path("name").asText(),
                        f.path("size").asLong(),
                        "d" + f.path("id").asText()));
            }
        }
        return out;
    }

    /** Newest first: by createdTime (RFC 3339 in UTC, so text order is time order), then by id. */
    private static final Comparator<JsonNode> NEWEST_FIRST = Comparator.<JsonNode, String>comparing(
                    f -> f.path("createdTime").asText(""))
            .thenComparing(f -> f.path("id").asText(""))
            .reversed();

    /** Every file of pack name {@code name} in the folder, newest first. */
    private List<JsonNode> findPacks(String name) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode f : query("name = '" + quote(name) + "'", name)) {
            if ("pack".equals(f.path("appProperties").path(KIND).asText())) out.add(f);
        }
        out.sort(NEWEST_FIRST);
        return out;
    }

    static String quote(String s) {
        return s.replace("\\", "\\\\").replace("'", "\\'");
    }

    /** Every file in the folder matching {@code term} (and not trashed), all pages of files.list. */
    private List<JsonNode> query(String term, String forName) {
        String folder = folder(false);
        if (folder == null) return List.of(); // never pushed to: nothing there
        String q = "'" + quote(folder) + "' in parents and " + term + " and trashed = false";
        return listAll(q, forName);
    }

    private List<JsonNode> listAll(String q, String forName) {
        List<JsonNode> out = new ArrayList<>();
        String pageToken = null;
        do {
            HttpUrl.Builder u = files.newBuilder()
                    .addQueryParameter("q", q)
                    .addQueryParameter("pageSize", "1000")
                    .addQueryParameter("spaces", "drive")
                    .addQueryParameter(
                            "fields", "nextPageToken,files(id,name,size,createdTime,appProperties,mimeType)");
            if (pageToken != null) u.addQueryParameter("pageToken", pageToken);
            try (Response r = send(request(u.build()).get().build(), "list", forName, 0)) {
                if (r.code() != 200) throw unexpected(r, "list", forName);
                JsonNode page = parse(r, forName);
                for (JsonNode f : page.path("files")) out.add(f);
                pageToken = page.path("nextPageToken").asText("");
            }
        } while (!pageToken.isEmpty());
        return out;
    }

    // ---- the folder ----

    /** The folder's id: given, or found (and made where missing) along the path from My Drive's root. */
    private String folder() {
        return folder(true);
    }

    /**
     * The folder's id, or (with {@code create} false) null when its path does not exist yet: reading a
     * remote that was never pushed to makes no folders.
     */
    private String folder(boolean create) {
        String f = folderId;
        if (f != null) return f;
        synchronized (folderLock) {
            if (folderId != null) return folderId;
            String parent = "root";
            for (String seg : url.path().split("/")) {
                String q = "'" + quote(parent) + "' in parents and name = '" + quote(seg) + "' and mimeType = '"
                        + FOLDER_MIME + "' and trashed = false";
                List<JsonNode> found = listAll(q, "folder " + seg);
                if (found.isEmpty()) {
                    if (!create) return null;
                    createFolder(seg, parent);
                    found = listAll(q, "folder " + seg); // clients that made it at once: all take the oldest
                }
                if (found.isEmpty()) {
                    throw new RemoteUnavailableException(
                            "Drive does not list the folder " + seg + " of " + where + " yet", true);
                } else {
                    // Two clients that made the folder at once made two: all use the oldest.
                    found.sort(NEWEST_FIRST.reversed());
                    parent = found.getFirst().path("id").asText();
                }
            }
            folderId = parent;
            return parent;
        }
    }

    private String createFolder(String name, String parent) {
        ObjectNode meta = MAPPER.createObjectNode().put("name", name).put("mimeType", FOLDER_MIME);
        meta.putArray("parents").add(parent);
        Request req = request(
                        files.newBuilder().addQueryParameter("fields", "id").build())
                .post(RequestBody.create(json(meta), JSON))
                .build();
        try (Response r = send(req, "create folder", name, 0)) {
            if (r.code() != 200) throw unexpected(r, "create folder", name);
            return parse(r, name).path("id").asText();
        }
    }

    /** The file's metadata, or null when there is no such file (404). */
    private JsonNode metadata(String id, String fields, String forName) {
        HttpUrl u = files.newBuilder()
                .addPathSegment(id)
                .addQueryParameter("fields", fields)
                .build();
        try (Response r = send(request(u).get().build(), "read", forName, 0)) {
            if (r.code() == 404) return null;
            if (r.code() != 200) throw unexpected(r, "read", forName);
            return parse(r, forName);
        }
    }

    /** The first id of the state chain, from the folder's appProperties; set there by the first writer. */
    private String genesis(boolean create) {
        if (!create) return readGenesis(false);
        synchronized (folderLock) { // one first writer per process; across processes see docs/format.md
            return readGenesis(true);
        }
    }

    private String readGenesis(boolean create) {
        String known = genesisId;
        if (known != null) return known;
        String folder = folder(create);
        if (folder == null) return null;
        String g = oldestGenesis();
        if (g != null || !create) return genesisId = g;
        if (metadata(folder, "id", "the folder") == null) {
            throw new RemoteUnavailableException(
                    "the Drive folder of " + where + " does not exist, or the token cannot see it (with the"
                            + " drive.file scope Forge sees only folders it made or that were opened with it)",
                    false);
        }
        // Propose a start: a marker file naming a reserved id. Writers that proposed at once all take the
        // oldest marker (createdTime, then id), so they go on in one chain; the others' markers stay unused.
        ObjectNode meta = MAPPER.createObjectNode().put("name", "forge-genesis").put("mimeType", "application/json");
        meta.putArray("parents").add(folder);
        meta.putObject("appProperties").put(KIND, "genesis").put(GENESIS, newId());
        Request req = request(
                        files.newBuilder().addQueryParameter("fields", "id").build())
                .post(RequestBody.create(json(meta), JSON))
                .build();
        try (Response r = send(req, "write", "the state's start", 0)) {
            if (r.code() != 200) throw unexpected(r, "write", "the state's start");
        }
        g = oldestGenesis();
        if (g == null)
            throw new RemoteUnavailableException("Drive does not list the state's start in " + where + " yet", true);
        return genesisId = g;
    }

    /** The id the oldest genesis marker in the folder names, or null when there is none. */
    private String oldestGenesis() {
        List<JsonNode> markers = query("appProperties has { key='" + KIND + "' and value='genesis' }", "the state");
        if (markers.isEmpty()) return null;
        markers.sort(NEWEST_FIRST.reversed());
        String g = markers.getFirst().path("appProperties").path(GENESIS).asText("");
        return g.isEmpty() ? null : g;
    }

    /** A file id from files.generateIds, fetched a hundred at a time. */
    private String newId() {
        synchronized (idPool) {
            if (idPool.isEmpty()) {
                HttpUrl u = files.newBuilder()
                        .addPathSegment("generateIds")
                        .addQueryParameter("count", "100")
                        .addQueryParameter("space", "drive")
                        .addQueryParameter("type", "files")
                        .build();
                try (Response r = send(request(u).get().build(), "reserve", "file ids", 0)) {
                    if (r.code() != 200) throw unexpected(r, "reserve", "file ids");
                    for (JsonNode id : parse(r, "file ids").path("ids")) idPool.add(id.asText());
                }
                if (idPool.isEmpty())
                    throw new RemoteUnavailableException("Drive generated no file ids for " + where, true);
            }
            return idPool.poll();
        }
    }

    // ---- the state chain ----

    private static final Head EMPTY = new Head(null, -1, null, "", Map.of());

    /**
     * The state chain's head: from the last head this store saw (or, the first time, the newest state
     * file a listing shows, else the chain's start), follow the reserved ids by files.get until one does
     * not exist. Reading by id does not depend on Drive's search index, so the head found is current.
     */
    private Head head() {
        Head h = cached;
        if (h == null || System.nanoTime() - cachedAt > MAX_CACHE_NANOS) h = start();
        while (h.next() != null) {
            Head n = node(h.next());
            if (n == null) break;
            h = n;
        }
        cached = h;
        cachedAt = System.nanoTime();
        return h;
    }

    private Head start() {
        Head best = null;
        for (JsonNode f : query("appProperties has { key='" + KIND + "' and value='state' }", "the state")) {
            long seq = f.path("appProperties").path("forgeSeq").asLong(-1);
            if (best == null || seq > best.seq()) best = new Head(f.path("id").asText(), seq, null, "", Map.of());
        }
        if (best != null) {
            Head h = node(best.id());
            if (h != null) return h;
            // Pruned between the listing and the read: a newer one exists.
            throw new RemoteUnavailableException("the state of " + where + " moved while it was read", true);
        }
        String g = genesis(false);
        return g == null ? EMPTY : new Head(null, -1, g, "", Map.of());
    }

    /** The state file {@code id}, read whole, or null when it does not exist. */
    private Head node(String id) {
        HttpUrl u = files.newBuilder()
                .addPathSegment(id)
                .addQueryParameter("alt", "media")
                .build();
        byte[] b;
        try (Response r = send(request(u).get().build(), "read", "the state", 0)) {
            if (r.code() == 404) return null;
            if (r.code() != 200) throw unexpected(r, "read", "the state");
            b = body(r, "the state");
        }
        try {
            JsonNode n = MAPPER.readTree(b);
            if (!STATE_FORMAT.equals(n.path("format").asText()))
                throw new IntegrityException("state file " + id + " in " + where + " is not " + STATE_FORMAT);
            Map<String, Entry> blobs = new TreeMap<>();
            var it = n.path("blobs").properties().iterator();
            while (it.hasNext()) {
                var e = it.next();
                blobs.put(
                        e.getKey(),
                        new Entry(
                                Base64.getDecoder()
                                        .decode(e.getValue().path("d").asText()),
                                e.getValue().path("v").asLong()));
            }
            String next = n.path("next").asText("");
            return new Head(
                    id,
                    n.path("seq").asLong(),
                    next.isEmpty() ? null : next,
                    n.path("writer").asText(),
                    blobs);
        } catch (IOException | IllegalArgumentException e) {
            throw new IntegrityException("state file " + id + " in " + where + " does not parse: " + e.getMessage());
        }
    }

    private interface Change {
        /** The blobs after the change, or null when its condition does not hold. */
        Map<String, Entry> apply(Map<String, Entry> blobs, long seq);
    }

    /**
     * Extends the state chain by one file holding {@code change}'s result: creates the file with the id
     * the head reserved; a 409 means another writer took it, so read the new head and try again. A create
     * whose answer was lost is like a lost answer on S3: the retry sees the change made (a put is made
     * again, a conditional write returns false).
     */
    private boolean writeState(String name, String op, String expected, byte[] data, Change change) {
        String writer = mark(op, name, expected, data);
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Head h = head();
            if (h.next() == null) {
                cached = new Head(null, -1, genesis(true), "", Map.of());
                continue;
            }
            long seq = h.seq() + 1;
            Map<String, Entry> after = change.apply(h.blobs(), seq);
            if (after == null) return false;
            String reserve = newId();
            byte[] content = render(seq, reserve, writer, after);
            ObjectNode meta = MAPPER.createObjectNode();
            meta.put("id", h.next());
            meta.put("name", String.format(Locale.ROOT, "forge-state-%012d", seq));
            meta.put("mimeType", "application/json");
            meta.putArray("parents").add(folder());
            ObjectNode props = meta.putObject("appProperties");
            props.put(KIND, "state");
            props.put("forgeSeq", String.valueOf(seq));
            props.put("forgeNext", reserve);
            JsonNode made = upload("state " + seq, meta, bytes(content), name);
            if (made != null) {
                cached = new Head(h.next(), seq, reserve, writer, after);
                if (seq % PRUNE_EVERY == 0) prune(seq);
                return true;
            }
            // 409: another writer made that file first; the next round reads it.
        }
        throw new RemoteUnavailableException(
                "too many concurrent writers on " + where + " (" + MAX_ROUNDS + " rounds lost writing " + name + ")",
                true);
    }

    /**
     * A mark unique to one call, kept in its state file (for whoever debugs a remote): random, so that no
     * two calls, even ones making the same change from the same version, are taken for one another.
     */
    private static String mark(String op, String name, String expected, byte[] data) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update((op + "\n" + name + "\n" + expected + "\n").getBytes(StandardCharsets.UTF_8));
            d.update(data);
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            d.update(nonce);
            return HexFormat.of().formatHex(d.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private static byte[] render(long seq, String next, String writer, Map<String, Entry> blobs) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("format", STATE_FORMAT);
        n.put("seq", seq);
        n.put("next", next);
        n.put("writer", writer);
        ObjectNode b = n.putObject("blobs");
        for (Map.Entry<String, Entry> e : blobs.entrySet()) {
            b.putObject(e.getKey())
                    .put("v", e.getValue().version())
                    .put("d", Base64.getEncoder().encodeToString(e.getValue().data()));
        }
        return json(n);
    }

    /**
     * Moves state files more than {@link #KEEP} behind {@code seq} to Drive's trash; best effort (the next
     * prune tries again). Trashed, not deleted: a trashed file keeps its id, so a client whose last-seen
     * head is old still walks through it to the head, and no create can ever reuse its id. Drive empties
     * the trash after 30 days; a client keeps a head it saw for at most a day.
     */
    private void prune(long seq) {
        try {
            for (JsonNode f : query("appProperties has { key='" + KIND + "' and value='state' }", "the state")) {
                long s = f.path("appProperties").path("forgeSeq").asLong(Long.MAX_VALUE);
                if (s >= seq - KEEP) continue;
                ObjectNode patch = MAPPER.createObjectNode().put("trashed", true);
                Request req = request(files.newBuilder()
                                .addPathSegment(f.path("id").asText())
                                .addQueryParameter("fields", "id")
                                .build())
                        .patch(RequestBody.create(json(patch), JSON))
                        .build();
                try (Response r = send(req, "trash", "state " + s, 0)) {
                    if (r.code() != 200 && r.code() != 404) throw unexpected(r, "trash", "state " + s);
                }
            }
        } catch (RemoteUnavailableException e) {
            // left for the next prune
        }
    }

    // ---- uploads ----

    private void putPack(String name, UploadSource src) {
        ObjectNode meta = MAPPER.createObjectNode();
        meta.put("name", name);
        meta.put("mimeType", "application/octet-stream");
        meta.putArray("parents").add(folder());
        meta.putObject("appProperties").put(KIND, "pack");
        JsonNode made = upload(name, meta, src, name);
        if (made == null) throw new RemoteUnavailableException("Drive refused the upload of " + name, true);
        String id = made.path("id").asText();
        known.put(name, made);
        for (JsonNode f : findPacks(name)) { // an earlier copy, or one a lost answer left: one file per name
            if (!f.path("id").asText().equals(id)) deleteFile(f.path("id").asText(), name);
        }
    }

    /**
     * A resumable upload of {@code src} with metadata {@code meta}: returns the new file's metadata, or null
     * when Drive answered 409 (the id in {@code meta} is taken). A session cut short is kept under {@code key},
     * so the put's retry asks Drive how much arrived (308 with Range) and sends only the rest.
     */
    private JsonNode upload(String key, ObjectNode meta, UploadSource src, String name) {
        acquire(name);
        try {
            Session s = sessions.get(key);
            long from = 0;
            if (s != null && !s.source().equals(src.identity())) {
                sessions.remove(key);
                s = null;
            }
            if (s != null) {
                Request req = new Request.Builder()
                        .url(s.uri())
                        .header("Content-Range", "bytes */" + src.size())
                        .put(RequestBody.create(new byte[0], null))
                        .build();
                try (Response r = send(withToken(req), "upload", name, 0)) {
                    if (r.code() == 200 || r.code() == 201) {
                        JsonNode made = parse(r, name); // the whole answer first: a cut one keeps the session
                        sessions.remove(key);
                        return made;
                    }
                    if (r.code() == 308) from = received(r);
                    else if (r.code() == 404 || r.code() == 410) {
                        sessions.remove(key);
                        s = null;
                    } else if (r.code() == 409) {
                        sessions.remove(key);
                        return null;
                    } else throw unexpected(r, "upload", name);
                }
            }
            if (s == null) {
                HttpUrl u = uploads.newBuilder()
                        .addQueryParameter("uploadType", "resumable")
                        .addQueryParameter("fields", "id,name,size,createdTime,appProperties")
                        .build();
                Request req = request(u)
                        .header("X-Upload-Content-Type", "application/octet-stream")
                        .header("X-Upload-Content-Length", String.valueOf(src.size()))
                        .post(RequestBody.create(json(meta), JSON))
                        .build();
                try (Response r = send(req, "upload", name, 0)) {
                    if (r.code() == 409) return null;
                    if (r.code() != 200) throw unexpected(r, "upload", name);
                    String location = r.header("Location");
                    HttpUrl to = location == null ? null : r.request().url().resolve(location);
                    if (to == null)
                        throw new RemoteUnavailableException("Drive gave no upload session for " + name, true);
                    s = new Session(to.toString(), src.identity());
                    sessions.put(key, s);
                }
            }
            while (true) {
                long len = Math.min(chunk, src.size() - from);
                String range =
                        src.size() == 0 ? "bytes */0" : "bytes " + from + "-" + (from + len - 1) + "/" + src.size();
                Request req = new Request.Builder()
                        .url(s.uri())
                        .header("Content-Range", range)
                        .put(src.slice(from, len))
                        .build();
                try (Response r = send(withToken(req), "upload", name, len)) {
                    if (r.code() == 200 || r.code() == 201) {
                        JsonNode made = parse(r, name); // the whole answer first: a cut one keeps the session
                        sessions.remove(key);
                        return made;
                    }
                    if (r.code() == 308) {
                        long at = received(r);
                        if (at <= from && len > 0)
                            throw new RemoteUnavailableException("Drive kept none of a chunk of " + name, true);
                        from = at;
                        continue;
                    }
                    if (r.code() == 409) {
                        sessions.remove(key);
                        return null;
                    }
                    if (r.code() == 404 || r.code() == 410) {
                        sessions.remove(key);
                        throw new RemoteUnavailableException(
                                "Drive's upload session of " + name + " in " + where + " expired: it is uploaded again",
                                true);
                    }
                    throw unexpected(r, "upload", name);
                }
            }
        } finally {
            writes.release();
        }
    }

    /** How many bytes a 308 says Drive has: its Range header {@code bytes=0-N} is N+1, none is 0. */
    private static long received(Response r) {
        String range = r.header("Range");
        if (range == null) return 0;
        int dash = range.lastIndexOf('-');
        try {
            return Long.parseLong(range.substring(dash + 1).strip()) + 1;
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            throw new RemoteUnavailableException("Drive sent a bad Range header: " + range, true);
        }
    }

    private void acquire(String name) {
        try {
            writes.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ForgeException("interrupted while writing " + name);
        }
    }

    private void deleteFile(String id, String name) {
        Request req =
                request(files.newBuilder().addPathSegment(id).build()).delete().build();
        try (Response r = send(req, "delete", name, 0)) {
            if (r.code() != 204 && r.code() != 200 && r.code() != 404) throw unexpected(r, "delete", name);
        }
    }

    private byte[] download(String name, String id, long offset, long length) {
        HttpUrl u = files.newBuilder()
                .addPathSegment(id)
                .addQueryParameter("alt", "media")
                .build();
        Request.Builder b = request(u);
        if (offset >= 0) b.header("Range", "bytes=" + offset + "-" + (offset + length - 1));
        try (Response r = send(b.get().build(), "read", name, length)) {
            if (r.code() == 404) throw new NotFoundException("blob " + name + " is missing from " + where);
            if (r.code() != 200 && r.code() != 206) throw unexpected(r, "read", name);
            byte[] data = body(r, name);
            if (offset >= 0 && r.code() == 200) { // the whole file: the server ignored the range
                if (offset + length > data.length) throw incomplete(name, data.length, offset + length);
                return Arrays.copyOfRange(data, (int) offset, (int) (offset + length));
            }
            if (data.length != length) throw incomplete(name, data.length, length);
            return data;
        }
    }

    // ---- sources ----

    private static UploadSource bytes(byte[] data) {
        return UploadSource.bytes(data, "bytes " + data.length + " " + Arrays.hashCode(data));
    }

    private static UploadSource file(Path file, long size, long modified) {
        return UploadSource.file(file, size, modified);
    }

    // ---- HTTP ----

    private Request.Builder request(HttpUrl u) {
        Request.Builder b = new Request.Builder().url(u).header("User-Agent", "forge");
        calls.authorize(b);
        return b;
    }

    /** An upload session request carries the token only when it goes to the API's own host. */
    private Request withToken(Request req) {
        HttpUrl u = req.url();
        if (!u.scheme().equals(files.scheme()) || !u.host().equalsIgnoreCase(files.host()) || u.port() != files.port())
            return req.newBuilder().header("User-Agent", "forge").build();
        Request.Builder b = req.newBuilder().header("User-Agent", "forge");
        calls.authorize(b);
        return b.build();
    }

    /**
     * Sends one request within {@link RetryPolicy#requestDeadline} for {@code bytes} of body and turns the
     * answers every call treats alike into typed failures: no connection or a dropped one, 5xx, 429 and
     * 403 rate limits (retryable), 401, other 403s and 400 (not). Other answers are returned.
     */
    private Response send(Request req, String what, String name, long bytes) {
        Response r = calls.execute(req, what, name, bytes);
        int s = r.code();
        if (s < 400 || s == 404 || s == 409 || s == 410 || s == 416) return r;
        try (r) {
            JsonNode err = errorBody(r);
            String reason =
                    err.path("error").path("errors").path(0).path("reason").asText("");
            String text = errorText(err, r);
            if (s == 401) {
                throw new RemoteUnavailableException(
                        "Google refused the credentials for " + where + " (401" + (text.isEmpty() ? "" : " " + text)
                                + "): "
                                + (calls.currentToken().isPresent()
                                        ? "the access token has expired or is wrong; "
                                        : "no token set; ")
                                + TOKEN_HINT,
                        false);
            }
            boolean rateLimit = s == 429
                    || (s == 403
                            && (reason.equals("userRateLimitExceeded")
                                    || reason.equals("rateLimitExceeded")
                                    || reason.equals("sharingRateLimitExceeded")));
            if (rateLimit) {
                Duration wait = RetryAfter.parse(r.header("Retry-After"), Instant.now());
                throw new RemoteUnavailableException(
                        "Google Drive's rate limit stopped a request to " + what + " " + name + " in " + where
                                + " (HTTP " + s + (text.isEmpty() ? "" : ": " + text) + ")",
                        true,
                        wait,
                        null);
            }
            if (s == 403) {
                throw new RemoteUnavailableException(
                        "access denied to " + where + " (403" + (text.isEmpty() ? "" : ": " + text) + "): the token"
                                + " needs the drive.file scope, and the folder must be one Forge made or opened",
                        false);
            }
            throw new RemoteUnavailableException(
                    "cannot " + what + " " + name + " in " + where + ": HTTP " + s
                            + (text.isEmpty() ? "" : " (" + text + ")"),
                    s >= 500 || s == 408);
        }
    }

    private RemoteUnavailableException unexpected(Response r, String what, String name) {
        String text = errorText(errorBody(r), r);
        return new RemoteUnavailableException(
                "cannot " + what + " " + name + " in " + where + ": unexpected HTTP " + r.code()
                        + (text.isEmpty() ? "" : " (" + text + ")"),
                r.code() >= 500);
    }

    private RemoteUnavailableException incomplete(String name, long got, long wanted) {
        return new RemoteUnavailableException(
                "incomplete answer from " + where + " for " + name + " (" + got + " of " + wanted
                        + " bytes: connection dropped?)",
                true);
    }

    private static JsonNode errorBody(Response r) {
        try {
            JsonNode n = MAPPER.readTree(r.peekBody(64 << 10).string());
            return n == null ? MAPPER.createObjectNode() : n;
        } catch (IOException | RuntimeException e) {
            return MAPPER.createObjectNode();
        }
    }

    /** Google's error: "reason: message", one line, at most 300 characters. */
    private static String errorText(JsonNode err, Response r) {
        JsonNode e = err.path("error");
        String t;
        if (e.isObject()) {
            String reason = e.path("errors").path(0).path("reason").asText("");
            String message = e.path("message").asText("");
            t = reason.isEmpty() ? message : reason + ": " + message;
        } else if (e.isTextual()) {
            t = e.asText() + " " + err.path("error_description").asText("");
        } else {
            try {
                t = r.peekBody(300).string();
            } catch (IOException x) {
                t = "";
            }
        }
        t = t.replaceAll("\\s+", " ").strip();
        return RemoteUrl.redact(t.length() > 300 ? t.substring(0, 300) + "..." : t);
    }

    private byte[] body(Response r, String name) {
        try {
            return r.body().bytes();
        } catch (IOException e) {
            throw new RemoteUnavailableException(
                    "cannot read " + name + " in " + where + ": " + calls.failure(e) + " (connection dropped?)",
                    true,
                    e);
        }
    }

    private JsonNode parse(Response r, String name) {
        try {
            return MAPPER.readTree(body(r, name));
        } catch (IOException e) {
            throw new RemoteUnavailableException("Drive sent an answer that is not JSON for " + name, true, e);
        }
    }

    private static byte[] json(JsonNode n) {
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        BearerHttp.close(http);
    }
}
