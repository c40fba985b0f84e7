package dev.forge.mirror.dropbox;

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
import dev.forge.mirror.http.BearerHttp;
import dev.forge.mirror.http.UploadSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A blob store in a Dropbox folder, over Dropbox's HTTP API v2 (RPC endpoints on {@code
 * api.dropboxapi.com/2}, content endpoints on {@code content.dropboxapi.com/2}; both configurable for
 * tests as {@code ?api=URL&content=URL}). Blob {@code N} is the file {@code ROOT/N} (docs/format.md,
 * "Dropbox remotes").
 *
 * <ul>
 *   <li>Puts: {@code files/upload} up to {@link #partSize} bytes, else an upload session ({@code
 *       upload_session/start}, {@code append_v2}, {@code finish}) in parts of {@link #partSize} (a
 *       multiple of 4 MiB, every request well under Dropbox's 150 MB). A session cut short is kept by
 *       this store, so the put's retry resumes it at the offset Dropbox reports ({@code incorrect_offset}
 *       with {@code correct_offset}) instead of sending every part again. A file appears only when
 *       {@code finish} commits it: a reader never sees a torn blob.
 *   <li>Version token: the file's {@code rev}. {@link #replaceIfUnchanged} uploads with mode {@code
 *       update: REV} and {@link #putIfAbsent} with mode {@code add}, both with {@code autorename: false}
 *       and {@code strict_conflict: true}; Dropbox answers 409 {@code path/conflict} when the rev no longer
 *       matches (or the file is gone) or the file exists: a compare-and-swap done by the server.
 *   <li>Reads: {@code files/download} (with Range for a part), {@code files/get_metadata}, {@code
 *       files/list_folder} (recursive) and {@code list_folder/continue} by cursor; {@code files/delete_v2}.
 * </ul>
 *
 * <p>Failures: a dropped connection, 5xx, and 429 {@code too_many_requests} / {@code
 * too_many_write_operations} (with the Retry-After Dropbox names) are retryable; 401 (an expired or
 * revoked token), 400 and 403 are not (exit 10, one line, the token never in it). At most {@link
 * #MAX_COMMITS} writes that commit a file or delete one run at once, since Dropbox serialises writes in
 * one namespace and answers {@code too_many_write_operations} to many at once; transfers themselves
 * (downloads, session parts) run at the remote's parallelism.
 */
public final class DropboxBlobStore implements BlobStore {
    /** Default upload part: 16 MiB (Dropbox wants multiples of 4 MiB; a request must stay under 150 MB). */
    public static final long DEFAULT_PART = 16L << 20;
    /** Dropbox's limit on one upload request's body, with room to spare. */
    static final long MAX_REQUEST = 150_000_000L;
    /** Commits (upload, finish, delete) in flight at once. */
    static final int MAX_COMMITS = 4;
    /** Entries asked for per page of a listing (Dropbox's maximum is 2000). */
    static final int LIST_LIMIT = 2000;

    static final String TOKEN_HINT =
            "run 'forge auth login dropbox --with-token' with a new access token, or set FORGE_DROPBOX_TOKEN";

    private static final MediaType JSON = MediaType.get("application/json");
    private static final MediaType OCTETS = MediaType.get("application/octet-stream");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final OkHttpClient http;
    private final HttpUrl api;
    private final HttpUrl content;
    private final String root;
    /** The calls, with the bearer token and its refresh. */
    private final BearerHttp calls;

    private final RetryPolicy policy;
    private final long partSize;
    private final Semaphore commits = new Semaphore(MAX_COMMITS);
    private final String where;
    /** Upload sessions of puts that have not finished, by blob name: a retried put resumes its session. */
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    /** An open upload session for {@code source} (what was being uploaded), {@code offset} bytes in. */
    private static final class Session {
        final String id;
        final String source;
        long offset;

        Session(String id, String source, long offset) {
            this.id = id;
            this.source = source;
            this.offset = offset;
        }
    }

    DropboxBlobStore(
            RemoteUrl.Dropbox url,
            Supplier<Optional<String>> token,
            OAuthRefresh refresher,
            RetryPolicy policy,
            int parallelism,
            long partSize) {
        if (partSize < 1 || partSize > MAX_REQUEST) throw new IllegalArgumentException("bad part size " + partSize);
        this.api = HttpUrl.parse(url.api() + "/2/");
        this.content = HttpUrl.parse(url.content() + "/2/");
        if (api == null || content == null)
            throw new ForgeException("bad Dropbox API URL " + RemoteUrl.redact(url.original()));
        this.root = url.root();
        this.policy = policy;
        this.partSize = partSize;
        this.where = "dropbox://" + root.substring(1)
                + (url.api().equals(RemoteUrl.Dropbox.DEFAULT_API) ? "" : " at " + url.api());
        this.http = BearerHttp.client(policy, parallelism);
        this.calls = new BearerHttp(http, policy, where, token, refresher);
    }

    /**
     * Opens the folder {@code url} names, sending the token {@code token} gives (empty: none), and, when
     * Dropbox says it expired and {@code refresher} is not null, the one a refresh gives.
     */
    public static BlobStore open(
            RemoteUrl.Dropbox url,
            Supplier<Optional<String>> token,
            OAuthRefresh refresher,
            int parallelism,
            RetryPolicy policy) {
        return new DropboxBlobStore(url, token, refresher, policy, parallelism, DEFAULT_PART);
    }

    /** For tests: a smaller upload part, to see sessions with several parts. */
    public static BlobStore open(
            RemoteUrl.Dropbox url,
            Supplier<Optional<String>> token,
            OAuthRefresh refresher,
            RetryPolicy policy,
            long partSize) {
        return new DropboxBlobStore(url, token, refresher, policy, 4, partSize);
    }

    /** Dropbox's OAuth token endpoint for the API at {@code api}: {@code API/oauth2/token}. */
    public static String tokenEndpoint(RemoteUrl.Dropbox url) {
        return url.api() + "/oauth2/token";
    }

    @Override
    public String describe() {
        return where;
    }

    private String path(String name) {
        return root + "/" + name;
    }

    // ---- puts ----

    @Override
    public void put(String name, byte[] data) {
        BlobNames.check(name);
        upload(name, bytes(data), mode("overwrite", null));
    }

    @Override
    public void put(String name, Path file) {
        BlobNames.check(name);
        long size;
        long modified;
        try {
            size = Files.size(file);
            modified = Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw new ForgeException("cannot read " + file + ": " + e.getMessage(), e);
        }
        upload(name, file(file, size, modified), mode("overwrite", null));
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data) {
        BlobNames.check(name);
        return upload(name, bytes(data), mode("add", null));
    }

    @Override
    public boolean replaceIfUnchanged(String name, byte[] data, String expectedToken) {
        BlobNames.check(name);
        if (expectedToken == null || expectedToken.isEmpty()) return false;
        int mark = expectedToken.indexOf('#');
        String rev = mark < 0 ? expectedToken : expectedToken.substring(0, mark);
        if (rev.isEmpty()) return false;
        return upload(name, bytes(data), mode("update", rev));
    }

    /**
     * A file's version token: its {@code rev}, then {@code #} and its {@code content_hash} when Dropbox gave
     * one (so the token vouches for the bytes; only the rev is compared by Dropbox).
     */
    static String token(JsonNode meta) {
        String rev = meta.path("rev").asText("");
        String hash = meta.path("content_hash").asText("");
        return hash.isEmpty() ? rev : rev + "#" + hash;
    }

    private static ObjectNode mode(String tag, String rev) {
        ObjectNode m = MAPPER.createObjectNode().put(".tag", tag);
        if (rev != null) m.put("update", rev);
        return m;
    }

    private ObjectNode commitInfo(String name, ObjectNode mode) {
        ObjectNode c = MAPPER.createObjectNode();
        c.put("path", path(name));
        c.set("mode", mode);
        c.put("autorename", false);
        c.put("mute", true);
        c.put("strict_conflict", true);
        return c;
    }

    /** Uploads {@code src} as {@code name} under {@code mode}; false when Dropbox answered path/conflict. */
    private boolean upload(String name, UploadSource src, ObjectNode mode) {
        if (src.size() <= partSize) {
            sessions.remove(name);
            return commit(name, () -> {
                Request req = contentRequest("files/upload", commitInfo(name, mode))
                        .post(src.slice(0, src.size()))
                        .build();
                try (Response r = send(req, "write", name, src.size())) {
                    if (r.code() == 200) return committed(r, name);
                    if (r.code() == 409) return conflictOrThrow(r, name, "write");
                    throw unexpected(r, "write", name);
                }
            });
        }
        Session s = sessions.get(name);
        if (s != null && !s.source.equals(src.identity())) {
            sessions.remove(name);
            s = null;
        }
        boolean resumed = s != null;
        if (s == null) s = start(name, src);
        synchronized (s) {
            // A kept session was cut short: an empty append asks Dropbox where it stands, so no part is sent
            // only to be refused.
            if (resumed) append(name, src, s, 0);
            while (src.size() - s.offset > partSize) append(name, src, s, partSize);
            return finish(name, src, s, mode);
        }
    }

    private Session start(String name, UploadSource src) {
        ObjectNode arg = MAPPER.createObjectNode().put("close", false);
        Request req = contentRequest("files/upload_session/start", arg)
                .post(src.slice(0, partSize))
                .build();
        try (Response r = send(req, "upload", name, partSize)) {
            if (r.code() != 200) throw unexpected(r, "upload", name);
            String id = parse(r, name).path("session_id").asText("");
            if (id.isEmpty())
                throw new RemoteUnavailableException("Dropbox started no upload session for " + name, true);
            Session s = new Session(id, src.identity(), partSize);
            sessions.put(name, s);
            return s;
        }
    }

    private static ObjectNode cursor(Session s) {
        return MAPPER.createObjectNode().put("session_id", s.id).put("offset", s.offset);
    }

    private void append(String name, UploadSource src, Session s, long length) {
        ObjectNode arg = MAPPER.createObjectNode();
        arg.set("cursor", cursor(s));
        arg.put("close", false);
        Request req = contentRequest("files/upload_session/append_v2", arg)
                .post(src.slice(s.offset, length))
                .build();
        try (Response r = send(req, "upload", name, length)) {
            if (r.code() == 200) {
                body(r, name); // the whole answer, or the part is not known to have arrived
                s.offset += length;
                return;
            }
            if (r.code() == 409) {
                sessionError(r, name, s, src.size());
                return;
            }
            throw unexpected(r, "upload", name);
        }
    }

    private boolean finish(String name, UploadSource src, Session s, ObjectNode mode) {
        while (true) {
            long from = s.offset;
            Boolean done = commit(name, () -> {
                ObjectNode arg = MAPPER.createObjectNode();
                arg.set("cursor", cursor(s));
                arg.set("commit", commitInfo(name, mode));
                Request req = contentRequest("files/upload_session/finish", arg)
                        .post(src.slice(from, src.size() - from))
                        .build();
                try (Response r = send(req, "upload", name, src.size() - from)) {
                    if (r.code() == 200) return committed(r, name);
                    if (r.code() != 409) throw unexpected(r, "upload", name);
                    String summary = errorSummary(r);
                    if (summary.startsWith("path/conflict")) {
                        sessions.remove(name);
                        return false;
                    }
                    sessionError(r, name, s, src.size());
                    return null; // the offset moved: send the rest from there
                }
            });
            if (done != null) {
                sessions.remove(name);
                return done;
            }
        }
    }

    /**
     * A 409 from a session call: {@code incorrect_offset} moves the session to the offset Dropbox has
     * (a part the client thought lost had arrived, or one it thought sent had not); anything else
     * (not_found: expired, closed) drops the session so the retry starts a new one.
     */
    private void sessionError(Response r, String name, Session s, long size) {
        JsonNode body = errorBody(r);
        String summary = body.path("error_summary").asText("");
        JsonNode correct = body.path("error").findValue("correct_offset");
        if (summary.contains("incorrect_offset") && correct != null && correct.canConvertToLong()) {
            long at = correct.asLong();
            if (at >= 0 && at <= size) {
                s.offset = at;
                return;
            }
        }
        sessions.remove(name);
        throw new RemoteUnavailableException(
                "Dropbox lost the upload session of " + name + " in " + where + " (" + summary
                        + "): it will be uploaded again",
                true);
    }

    private interface Call<T> {
        T run();
    }

    /** Runs a commit (a write that changes the namespace) with at most {@link #MAX_COMMITS} at once. */
    private <T> T commit(String name, Call<T> c) {
        try {
            commits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ForgeException("interrupted while writing " + name);
        }
        try {
            return c.run();
        } finally {
            commits.release();
        }
    }

    /** An upload's 200: true once its whole answer (the new file's metadata) has arrived. */
    private boolean committed(Response r, String name) {
        JsonNode m = parse(r, name);
        if (m.path("rev").asText("").isEmpty())
            throw new RemoteUnavailableException("Dropbox's answer to the upload of " + name + " has no rev", true);
        return true;
    }

    /** A 409 to an upload: path/conflict is false (the compare-and-swap lost); anything else throws. */
    private boolean conflictOrThrow(Response r, String name, String what) {
        String summary = errorSummary(r);
        if (summary.startsWith("path/conflict")) return false;
        if (summary.contains("insufficient_space")) {
            throw new RemoteUnavailableException("the Dropbox of " + where + " is full (" + summary + ")", false);
        }
        throw new RemoteUnavailableException(
                "cannot " + what + " " + name + " in " + where + ": Dropbox answered " + summary, false);
    }

    // ---- reads ----

    @Override
    public Optional<Versioned> get(String name) {
        BlobNames.check(name);
        Request req = download(name, null);
        try (Response r = send(req, "read", name, 0)) {
            if (r.code() == 409) {
                missingOrThrow(r, name);
                return Optional.empty();
            }
            if (r.code() != 200) throw unexpected(r, "read", name);
            JsonNode meta = result(r, name);
            byte[] data = body(r, name);
            long size = meta.path("size").asLong(-1);
            if (size >= 0 && data.length != size) throw incomplete(name, data.length, size);
            return Optional.of(new Versioned(data, token(meta)));
        }
    }

    @Override
    public byte[] get(String name, long offset, int length) {
        BlobNames.check(name);
        if (offset < 0 || length < 0) throw pastEnd(name, -1, offset, length);
        if (length == 0) {
            BlobInfo i = stat(name).orElseThrow(() -> missing(name));
            if (offset > i.length()) throw pastEnd(name, i.length(), offset, length);
            return new byte[0];
        }
        Request req = download(name, "bytes=" + offset + "-" + (offset + length - 1));
        try (Response r = send(req, "read", name, length)) {
            if (r.code() == 409) {
                missingOrThrow(r, name);
                throw missing(name);
            }
            if (r.code() == 416) {
                BlobInfo i = stat(name).orElseThrow(() -> missing(name));
                throw pastEnd(name, i.length(), offset, length);
            }
            if (r.code() != 200 && r.code() != 206) throw unexpected(r, "read", name);
            long size = result(r, name).path("size").asLong(-1);
            if (size >= 0 && offset + length > size) throw pastEnd(name, size, offset, length);
            byte[] b = body(r, name);
            if (r.code() == 200) { // the whole file: the server ignored the range
                if (size >= 0 && b.length != size) throw incomplete(name, b.length, size);
                if (offset + length > b.length) throw pastEnd(name, b.length, offset, length);
                return Arrays.copyOfRange(b, (int) offset, (int) offset + length);
            }
            if (b.length != length) throw incomplete(name, b.length, length);
            return b;
        }
    }

    private Request download(String name, String range) {
        ObjectNode arg = MAPPER.createObjectNode().put("path", path(name));
        Request.Builder b = contentRequest("files/download", arg).post(RequestBody.create(new byte[0], null));
        if (range != null) b.header("Range", range);
        return b.build();
    }

    private NotFoundException missing(String name) {
        return new NotFoundException("blob " + name + " is missing from " + where);
    }

    private IntegrityException pastEnd(String name, long size, long offset, int length) {
        return new IntegrityException("blob " + name + " in " + where + (size < 0 ? "" : " is " + size + " bytes,")
                + " a read of " + length + " at " + offset + " goes past its end");
    }

    /** A 409 to a read: path/not_found or not_file is "no such blob" (returns); anything else throws. */
    private void missingOrThrow(Response r, String name) {
        String summary = errorSummary(r);
        if (summary.contains("not_found") || summary.contains("not_file")) return;
        throw new RemoteUnavailableException(
                "cannot read " + name + " in " + where + ": Dropbox answered " + summary, false);
    }

    @Override
    public Optional<BlobInfo> stat(String name) {
        BlobNames.check(name);
        ObjectNode arg = MAPPER.createObjectNode().put("path", path(name));
        try (Response r = send(rpc("files/get_metadata", arg), "stat", name, 0)) {
            if (r.code() == 409) {
                missingOrThrow(r, name);
                return Optional.empty();
            }
            if (r.code() != 200) throw unexpected(r, "stat", name);
            JsonNode m = parse(r, name);
            if (!"file".equals(m.path(".tag").asText())) return Optional.empty();
            return Optional.of(new BlobInfo(name, m.path("size").asLong(), token(m)));
        }
    }

    @Override
    public List<BlobInfo> list(String prefix) {
        if (!prefix.isEmpty()) BlobNames.check(prefix.endsWith("/") ? prefix + "x" : prefix);
        int slash = prefix.lastIndexOf('/');
        String folder = slash < 0 ? root : root + "/" + prefix.substring(0, slash);
        String lowerPrefix = prefix.toLowerCase(Locale.ROOT);
        List<BlobInfo> out = new ArrayList<>();
        ObjectNode arg = MAPPER.createObjectNode()
                .put("path", folder)
                .put("recursive", true)
                .put("include_deleted", false)
                .put("limit", LIST_LIMIT);
        JsonNode page;
        try (Response r = send(rpc("files/list_folder", arg), "list", prefix, 0)) {
            if (r.code() == 409) {
                String summary = errorSummary(r);
                if (summary.contains("not_found")) return out;
                throw new RemoteUnavailableException(
                        "cannot list " + prefix + " in " + where + ": Dropbox answered " + summary, false);
            }
            if (r.code() != 200) throw unexpected(r, "list", prefix);
            page = parse(r, prefix);
        }
        while (true) {
            for (JsonNode e : page.path("entries")) {
                if (!"file".equals(e.path(".tag").asText())) continue;
                String display = e.path("path_display").asText("");
                if (display.length() <= root.length() + 1) continue;
                // Dropbox paths are case-insensitive and only the last part of path_display is sure to have
                // its case: the part the caller asked for keeps the caller's case.
                String rel = display.substring(root.length() + 1);
                if (!rel.toLowerCase(Locale.ROOT).startsWith(lowerPrefix)) continue;
                String name = prefix + rel.substring(prefix.length());
                out.add(new BlobInfo(name, e.path("size").asLong(), token(e)));
            }
            if (!page.path("has_more").asBoolean(false)) return out;
            String cursor = page.path("cursor").asText("");
            ObjectNode next = MAPPER.createObjectNode().put("cursor", cursor);
            try (Response r = send(rpc("files/list_folder/continue", next), "list", prefix, 0)) {
                if (r.code() == 409 && errorSummary(r).startsWith("reset")) {
                    // Dropbox invalidated the cursor: list again from the start (a retry does it).
                    throw new RemoteUnavailableException(
                            "Dropbox reset the listing of " + prefix + " in " + where + " (it is read again)", true);
                }
                if (r.code() != 200) throw unexpected(r, "list", prefix);
                page = parse(r, prefix);
            }
        }
    }

    @Override
    public void delete(String name) {
        BlobNames.check(name);
        sessions.remove(name);
        ObjectNode arg = MAPPER.createObjectNode().put("path", path(name));
        commit(name, () -> {
            try (Response r = send(rpc("files/delete_v2", arg), "delete", name, 0)) {
                if (r.code() == 200) return null;
                if (r.code() == 409 && errorSummary(r).contains("not_found")) return null;
                throw unexpected(r, "delete", name);
            }
        });
    }

    // ---- sources ----

    private static UploadSource bytes(byte[] data) {
        return UploadSource.bytes(
                data, "bytes " + data.length + " " + Arrays.hashCode(data) + " " + System.identityHashCode(data));
    }

    private static UploadSource file(Path file, long size, long modified) {
        return UploadSource.file(file, size, modified);
    }

    // ---- HTTP ----

    private Request.Builder withToken(Request.Builder b) {
        calls.authorize(b);
        return b.header("User-Agent", "forge");
    }

    private Request rpc(String endpoint, JsonNode arg) {
        return withToken(new Request.Builder().url(api.resolve(endpoint)))
                .post(RequestBody.create(json(arg), JSON))
                .build();
    }

    /** A content endpoint's request: its argument in the Dropbox-API-Arg header (ASCII JSON). */
    private Request.Builder contentRequest(String endpoint, JsonNode arg) {
        return withToken(new Request.Builder().url(content.resolve(endpoint)))
                .header("Dropbox-API-Arg", asciiJson(arg));
    }

    /** JSON with every non-ASCII character escaped, as an HTTP header must be. */
    static String asciiJson(JsonNode n) {
        String s = new String(json(n), java.nio.charset.StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) sb.append(c);
            else sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
        }
        return sb.toString();
    }

    /**
     * Sends one request within {@link RetryPolicy#requestDeadline} for {@code bytes} of body and turns
     * the answers every call treats alike into typed failures: no connection or a dropped one, 5xx and
     * 429 (retryable, with Dropbox's Retry-After), 401, 400 and 403 (not). 2xx, 409 and 416 are returned.
     */
    private Response send(Request req, String what, String name, long bytes) {
        Response r = calls.execute(req, what, name, bytes);
        int s = r.code();
        if (s < 400 || s == 409 || s == 416) return r;
        try (r) {
            String text = errorSummary(r);
            if (s == 401) {
                String why = calls.currentToken().isEmpty()
                        ? "no token set; "
                        : text.startsWith("expired_access_token")
                                ? "the access token has expired; "
                                : "the token is wrong or revoked; ";
                throw new RemoteUnavailableException(
                        "Dropbox refused the credentials for " + where + " (401" + (text.isEmpty() ? "" : " " + text)
                                + "): " + why + TOKEN_HINT,
                        false);
            }
            if (s == 429 || s == 503) {
                Duration wait = RetryAfter.parse(r.header("Retry-After"), Instant.now());
                if (wait == null) {
                    JsonNode after = errorBody(r).path("error").path("retry_after");
                    if (after.canConvertToLong()) wait = Duration.ofSeconds(Math.max(0, after.asLong()));
                }
                throw new RemoteUnavailableException(
                        (s == 429
                                        ? "Dropbox's rate limit stopped a request to "
                                        : "Dropbox is busy and refused a" + " request to ")
                                + what + " " + name + " in " + where + " (HTTP " + s
                                + (text.isEmpty() ? "" : ": " + text) + ")",
                        true,
                        wait,
                        null);
            }
            if (s == 403) {
                throw new RemoteUnavailableException(
                        "access denied to " + where + " (403" + (text.isEmpty() ? "" : ": " + text) + "): the app"
                                + " needs the files.content.read and files.content.write scopes on that folder",
                        false);
            }
            throw new RemoteUnavailableException(
                    "cannot " + what + " " + name + " in " + where + ": HTTP " + s
                            + (text.isEmpty() ? "" : " (" + text + ")"),
                    s >= 500 || s == 408);
        }
    }

    private RemoteUnavailableException unexpected(Response r, String what, String name) {
        String text = errorSummary(r);
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

    /** The error body as JSON (an empty object when it is not JSON). */
    private static JsonNode errorBody(Response r) {
        try {
            JsonNode n = MAPPER.readTree(r.peekBody(64 << 10).string());
            return n == null ? MAPPER.createObjectNode() : n;
        } catch (IOException | RuntimeException e) {
            return MAPPER.createObjectNode();
        }
    }

    /**
     * Dropbox's {@code error_summary} ("path/conflict/file/..."), or for a non-JSON answer (400s are
     * plain text) its first 300 characters, on one line.
     */
    private static String errorSummary(Response r) {
        JsonNode n = errorBody(r);
        String t = n.path("error_summary").asText("");
        if (t.isEmpty()) {
            try {
                t = r.peekBody(64 << 10).string();
                if (t.startsWith("{")) t = "";
            } catch (IOException e) {
                t = "";
            }
        }
        t = t.replaceAll("\\s+", " ").strip();
        return RemoteUrl.redact(t.length() > 300 ? t.substring(0, 300) + "..." : t);
    }

    /** The file's metadata a download answers with, in its Dropbox-API-Result header. */
    private JsonNode result(Response r, String name) {
        String h = r.header("Dropbox-API-Result");
        if (h == null) throw new RemoteUnavailableException("Dropbox sent no metadata with " + name, true);
        try {
            return MAPPER.readTree(h);
        } catch (IOException e) {
            throw new RemoteUnavailableException("Dropbox sent metadata that is not JSON with " + name, true, e);
        }
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
            throw new RemoteUnavailableException("Dropbox sent an answer that is not JSON for " + name, true, e);
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
