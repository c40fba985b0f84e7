package dev.forge.mirror.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.RemoteUrl;
import dev.forge.mirror.blob.BlobNames;
import dev.forge.mirror.blob.RetryAfter;
import dev.forge.mirror.blob.RetryPolicy;
import dev.forge.mirror.http.BearerHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A blob store in a GitHub repository, over GitHub's REST API (github.com, or GitHub Enterprise Server
 * through {@code ?api=https://HOST/api/v3}). Names map to GitHub deterministically (docs/format.md,
 * "GitHub remotes"):
 *
 * <ul>
 *   <li>{@code packs/<file>} (one segment after {@code packs/}: the content-named packs and pack
 *       indexes) is the release asset {@code <file>} of one of the releases tagged {@code forge-packs-1},
 *       {@code forge-packs-2}, ...: uploads go to the highest-numbered release that has fewer than
 *       {@link #MAX_ASSETS_PER_RELEASE} assets, and a new release is made when it is full;
 *   <li>every other name {@code N} is the file {@code forge/N} on the repository's default branch,
 *       read and written through the Contents API. Its version token is the file's blob {@code sha},
 *       which every update and delete must name: a compare-and-swap.
 * </ul>
 *
 * <p>How it meets the {@link BlobStore} guarantees: a Contents API write is one commit (atomic); a
 * conflict answer (409, or 422 for a create over an existing file) is told apart from the branch
 * having moved under a concurrent write of another file (GitHub answers 409 then too) by reading the
 * file again: changed means the compare-and-swap lost, unchanged means try again (retryable). An asset
 * is visible only once its upload completed ({@code state: uploaded}); an upload cut short can leave a
 * "starter" asset that blocks its name (GitHub then answers 422 {@code already_exists}): it is found,
 * deleted and uploaded again. Assets are content-named and never rewritten by Forge, so an uploaded asset
 * of the same name and length is taken as this very blob; {@link #replaceIfUnchanged} and
 * {@link #putIfAbsent} are for Contents API names only.
 *
 * <p>Failures: a dropped connection, 5xx and rate limits (403/429 with Retry-After, or
 * X-RateLimit-Remaining 0 and X-RateLimit-Reset, or a secondary-limit message without either: 60 s as
 * GitHub asks) are retryable with the wait GitHub named; 401 and a missing repository are not (exit 10).
 * On github.com, writes start at least one second apart, as GitHub asks of clients that create content.
 * The token goes only in the Authorization header of requests to the API host (and github.com's upload
 * host), never to a download's redirect target, never in a URL or a message.
 */
public final class GitHubBlobStore implements BlobStore {
    /** Where Contents API names live in the repository. */
    static final String CONTENTS_ROOT = "forge/";
    /** Tags of the releases that hold pack assets: this plus 1, 2, ... */
    static final String RELEASE_TAG_PREFIX = "forge-packs-";
    /** GitHub's published limit of assets in one release. */
    public static final int MAX_ASSETS_PER_RELEASE = 1000;
    /** GitHub's published limit on one asset: under 2 GiB. */
    static final long MAX_ASSET_BYTES = (2L << 30) - 1;
    /** Entries asked for per page of a list (GitHub's maximum). */
    private static final int PAGE = 100;

    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    private static final MediaType OCTETS = MediaType.get("application/octet-stream");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    private final OkHttpClient http;
    private final RemoteUrl.GitHub url;
    private final HttpUrl api;
    private final Supplier<Optional<String>> token;
    private final RetryPolicy policy;
    private final int assetsPerRelease;
    private final long mutationSpacingNanos;
    private final String where;

    private final Object writeGate = new Object();
    private long lastWriteStart = Long.MIN_VALUE / 2;

    /** What is known of the releases: refreshed on a miss, updated by this store's own writes. */
    private final Object lock = new Object();

    private Map<String, Asset> assets = new HashMap<>(); // uploaded assets by asset name
    private List<Release> releases = new ArrayList<>(); // Forge's releases, by number
    private volatile Boolean repoExists;

    record Release(long id, int number, String uploadUrl, int assetCount) {}

    record Asset(long id, String name, long size, String state, long releaseId) {}

    GitHubBlobStore(
            RemoteUrl.GitHub url,
            Supplier<Optional<String>> token,
            RetryPolicy policy,
            int parallelism,
            int assetsPerRelease,
            Duration mutationSpacing) {
        this.url = url;
        this.api = HttpUrl.parse(url.api() + "/");
        if (api == null) throw new ForgeException("bad GitHub API URL " + RemoteUrl.redact(url.api()));
        this.token = token;
        this.policy = policy;
        this.assetsPerRelease = assetsPerRelease;
        this.mutationSpacingNanos = mutationSpacing.toNanos();
        this.where = "github://" + url.owner() + "/" + url.repo() + (url.isGitHubCom() ? "" : " at " + url.api());
        this.http = BearerHttp.client(policy, parallelism);
    }

    /**
     * Opens the repository {@code url} names, with the token {@code token} gives (empty: anonymous,
     * enough to read a public repository). On github.com, writes are spaced a second apart; a GitHub
     * Enterprise Server has no rate limits unless its administrator set them, so there they are not.
     */
    public static BlobStore open(
            RemoteUrl.GitHub url, Supplier<Optional<String>> token, int parallelism, RetryPolicy policy) {
        return new GitHubBlobStore(
                url,
                token,
                policy,
                parallelism,
                MAX_ASSETS_PER_RELEASE,
                url.isGitHubCom() ? Duration.ofSeconds(1) : Duration.ZERO);
    }

    /** For tests: a lower asset limit per release, to see the roll-over to a new release. */
    public static BlobStore open(
            RemoteUrl.GitHub url, Supplier<Optional<String>> token, RetryPolicy policy, int assetsPerRelease) {
        return new GitHubBlobStore(url, token, policy, 4, assetsPerRelease, Duration.ZERO);
    }

    @Override
    public String describe() {
        return where;
    }

    /** The asset name of a blob name kept as a release asset, or null for a Contents API name. */
    static String assetName(String name) {
        if (!name.startsWith("packs/")) return null;
        String rest = name.substring("packs/".length());
        return rest.contains("/") ? null : rest;
    }

    // ---- puts ----

    @Override
    public void put(String name, byte[] data) {
        BlobNames.check(name);
        String asset = assetName(name);
        if (asset != null) upload(name, asset, RequestBody.create(data, OCTETS), data.length);
        else putContents(name, data);
    }

    @Override
    public void put(String name, Path file) {
        BlobNames.check(name);
        String asset = assetName(name);
        if (asset == null) {
            try {
                putContents(name, Files.readAllBytes(file));
            } catch (IOException e) {
                throw new ForgeException("cannot read " + file + ": " + e.getMessage(), e);
            }
            return;
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new ForgeException("cannot read " + file + ": " + e.getMessage(), e);
        }
        upload(name, asset, RequestBody.create(file.toFile(), OCTETS), size);
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data) {
        BlobNames.check(name);
        String asset = assetName(name);
        if (asset != null) {
            if (findAsset(asset, true).isPresent()) return false;
            upload(name, asset, RequestBody.create(data, OCTETS), data.length);
            return true;
        }
        int status = writeContents(name, data, null);
        if (status == 200 || status == 201) return true;
        // 422 ("sha" wasn't supplied): the file exists; 409: the branch moved, or it exists. Look.
        Optional<BlobInfo> now = statContents(name);
        if (now.isPresent()) return false;
        if (status == 404) throw writeRefused(name);
        throw conflictWithoutChange(name, status);
    }

    @Override
    public boolean replaceIfUnchanged(String name, byte[] data, String expectedToken) {
        BlobNames.check(name);
        if (assetName(name) != null) {
            throw new ForgeException("a conditional replace of " + name + " is not supported by " + where
                    + " (packs are release assets, written once)");
        }
        int status = writeContents(name, data, expectedToken);
        if (status == 200 || status == 201) return true;
        Optional<BlobInfo> now = statContents(name);
        if (now.isEmpty() || !now.get().token().equals(expectedToken)) return false;
        if (status == 404) throw writeRefused(name);
        throw conflictWithoutChange(name, status);
    }

    /** A 404 to a write of a file that is there, in a repository that is there: no write access. */
    private RemoteUnavailableException writeRefused(String name) {
        return new RemoteUnavailableException(
                "GitHub refused a write of " + name + " in " + where + " (404): the token can read the repository"
                        + " but not write to it; it needs the 'contents: write' permission",
                false);
    }

    private RemoteUnavailableException conflictWithoutChange(String name, int status) {
        return new RemoteUnavailableException(
                "GitHub refused a write of " + name + " in " + where + " (HTTP " + status
                        + ": the branch moved under a concurrent write)",
                true);
    }

    /** Puts a Contents API file whatever its version: read its sha, write over it; a lost race is retryable. */
    private void putContents(String name, byte[] data) {
        for (int attempt = 0; attempt < 3; attempt++) {
            String sha = statContents(name).map(BlobInfo::token).orElse(null);
            int status = writeContents(name, data, sha);
            if (status == 200 || status == 201) return;
            if (status == 404) throw writeRefused(name);
        }
        throw conflictWithoutChange(name, 409);
    }

    /**
     * One PUT of a file through the Contents API, naming {@code sha} (null: create). Returns 200/201 on
     * success, or 404, 409 or 422 for the caller to judge; anything else throws.
     */
    private int writeContents(String name, byte[] data, String sha) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("message", "forge: write " + name);
        body.put("content", Base64.getEncoder().encodeToString(data));
        if (sha != null) body.put("sha", sha);
        Request req = apiRequest(contentsUrl(name))
                .put(RequestBody.create(json(body), JSON))
                .build();
        try (Response r = send(req, "write", name, true, data.length)) {
            int s = r.code();
            if (s == 200 || s == 201 || s == 409 || s == 422) return s;
            if (s == 404) {
                requireRepository(name);
                return 404;
            }
            throw unexpected(r, "write", name);
        }
    }

    // ---- reads ----

    @Override
    public Optional<Versioned> get(String name) {
        BlobNames.check(name);
        String asset = assetName(name);
        if (asset == null) return getContents(name);
        Optional<Asset> a = findAsset(asset, true);
        if (a.isEmpty()) return Optional.empty();
        try {
            byte[] data = download(name, a.get(), -1, -1);
            return Optional.of(new Versioned(data, token(a.get())));
        } catch (NotFoundException e) {
            forget(asset);
            return Optional.empty();
        }
    }

    @Override
    public byte[] get(String name, long offset, int length) {
        BlobNames.check(name);
        String asset = assetName(name);
        if (asset == null) {
            byte[] all = getContents(name)
                    .orElseThrow(() -> new NotFoundException("blob " + name + " is missing from " + where))
                    .data();
            return slice(name, all, offset, length);
        }
        Asset a = findAsset(asset, true)
                .orElseThrow(() -> new NotFoundException("blob " + name + " is missing from " + where));
        if (offset < 0 || length < 0 || offset + length > a.size()) {
            throw new IntegrityException("blob " + name + " in " + where + " is " + a.size() + " bytes, a read of "
                    + length + " at " + offset + " goes past its end");
        }
        if (length == 0) return new byte[0];
        return download(name, a, offset, length);
    }

    private byte[] slice(String name, byte[] all, long offset, int length) {
        if (offset < 0 || length < 0 || offset + length > all.length) {
            throw new IntegrityException("blob " + name + " in " + where + " is " + all.length + " bytes, a read of "
                    + length + " at " + offset + " goes past its end");
        }
        return java.util.Arrays.copyOfRange(all, (int) offset, (int) offset + length);
    }

    @Override
    public Optional<BlobInfo> stat(String name) {
        BlobNames.check(name);
        String asset = assetName(name);
        if (asset == null) return statContents(name);
        return findAsset(asset, true).map(a -> new BlobInfo(name, a.size(), token(a)));
    }

    @Override
    public List<BlobInfo> list(String prefix) {
        List<BlobInfo> out = new ArrayList<>();
        if ("packs/".startsWith(prefix) || prefix.startsWith("packs/")) {
            refresh();
            synchronized (lock) {
                for (Asset a : assets.values()) {
                    String name = "packs/" + a.name();
                    if (name.startsWith(prefix)) out.add(new BlobInfo(name, a.size(), token(a)));
                }
            }
        }
        int slash = prefix.lastIndexOf('/');
        String dir = slash < 0 ? "" : prefix.substring(0, slash);
        listContents(dir, prefix, out, null);
        return out;
    }

    @Override
    public void delete(String name) {
        BlobNames.check(name);
        String asset = assetName(name);
        if (asset != null) {
            Optional<Asset> a = findAsset(asset, true);
            if (a.isPresent()) deleteAsset(a.get(), name);
            return;
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<BlobInfo> now = statContents(name);
            if (now.isEmpty()) return;
            ObjectNode body = MAPPER.createObjectNode();
            body.put("message", "forge: delete " + name);
            body.put("sha", now.get().token());
            Request req = apiRequest(contentsUrl(name))
                    .delete(RequestBody.create(json(body), JSON))
                    .build();
            try (Response r = send(req, "delete", name, true, 0)) {
                int s = r.code();
                if (s == 200 || s == 204) return;
                if (s == 404) {
                    if (statContents(name).isEmpty()) return;
                    throw writeRefused(name);
                }
                if (s != 409 && s != 422) throw unexpected(r, "delete", name);
            }
        }
        throw conflictWithoutChange(name, 409);
    }

    // ---- Contents API ----

    private HttpUrl contentsUrl(String name) {
        return contentsPathUrl(CONTENTS_ROOT + name);
    }

    /** The Contents API URL of {@code path} in the repository (not below the contents root). */
    private HttpUrl contentsPathUrl(String path) {
        HttpUrl.Builder b = repoUrl().addPathSegment("contents");
        for (String seg : path.split("/")) {
            if (!seg.isEmpty()) b.addPathSegment(seg);
        }
        return b.build();
    }

    private HttpUrl.Builder repoUrl() {
        return api.newBuilder()
                .addPathSegment("repos")
                .addPathSegment(url.owner())
                .addPathSegment(url.repo());
    }

    private Optional<Versioned> getContents(String name) {
        JsonNode file = contentsJson(name);
        if (file == null) return Optional.empty();
        String sha = file.path("sha").asText();
        long size = file.path("size").asLong(-1);
        byte[] data;
        if ("base64".equals(file.path("encoding").asText()) && file.has("content")) {
            data = Base64.getMimeDecoder().decode(file.path("content").asText());
        } else {
            // Files over 1 MB come without inline content: read them raw.
            Request req = apiRequest(contentsUrl(name))
                    .header("Accept", "application/vnd.github.raw+json")
                    .get()
                    .build();
            try (Response r = send(req, "read", name, false, 0)) {
                if (r.code() == 404) return Optional.empty();
                if (r.code() != 200) throw unexpected(r, "read", name);
                data = body(r, name);
            }
        }
        if (size >= 0 && data.length != size) {
            throw new RemoteUnavailableException(
                    "incomplete answer from " + where + " for " + name + " (" + data.length + " of " + size + " bytes)",
                    true);
        }
        return Optional.of(new Versioned(data, sha));
    }

    private Optional<BlobInfo> statContents(String name) {
        JsonNode file = contentsJson(name);
        if (file == null) return Optional.empty();
        return Optional.of(
                new BlobInfo(name, file.path("size").asLong(), file.path("sha").asText()));
    }

    /** The Contents API's answer for file {@code name}, or null when there is no such file. */
    private JsonNode contentsJson(String name) {
        Request req = apiRequest(contentsUrl(name)).get().build();
        try (Response r = send(req, "read", name, false, 0)) {
            if (r.code() == 404) {
                requireRepository(name);
                return null;
            }
            if (r.code() != 200) throw unexpected(r, "read", name);
            JsonNode n = parse(r, name);
            if (!n.isObject() || !"file".equals(n.path("type").asText())) return null; // a directory
            return n;
        }
    }

    /**
     * The Contents API lists at most this many entries of a folder and silently drops the rest (GitHub
     * documents the cap); a folder listed this full is read again through the Git Trees API.
     */
    static final int CONTENTS_DIRECTORY_LIMIT = 1000;

    /**
     * Adds every file under {@code dir} (a blob-name folder, "" for all) whose name starts with {@code
     * prefix}. {@code treeSha} is the folder's git tree id when a listing above gave it (null: unknown).
     */
    private void listContents(String dir, String prefix, List<BlobInfo> out, String treeSha) {
        HttpUrl u = contentsUrl(dir.isEmpty() ? "" : dir);
        Request req = apiRequest(u).get().build();
        JsonNode entries;
        try (Response r = send(req, "list", prefix, false, 0)) {
            if (r.code() == 404) {
                requireRepository(prefix);
                return;
            }
            if (r.code() != 200) throw unexpected(r, "list", prefix);
            entries = parse(r, prefix);
        }
        if (!entries.isArray()) return; // a file, not a folder
        if (entries.size() >= CONTENTS_DIRECTORY_LIMIT) {
            // Locks and refs can pass a thousand: a lock missed here would let a push through.
            String sha = treeSha != null ? treeSha : folderSha(dir, prefix);
            entries = treeEntries(sha, prefix);
        }
        for (JsonNode e : entries) {
            String name = (dir.isEmpty() ? "" : dir + "/") + e.path("name").asText();
            String type = e.path("type").asText();
            if ("dir".equals(type)) {
                if ((name + "/").startsWith(prefix) || prefix.startsWith(name + "/")) {
                    listContents(name, prefix, out, e.path("sha").asText(null));
                }
            } else if ("file".equals(type) && name.startsWith(prefix) && isBlobName(name)) {
                if (assetName(name) != null) continue; // such a name is an asset, never a file
                out.add(new BlobInfo(
                        name, e.path("size").asLong(), e.path("sha").asText()));
            }
        }
    }

    /** The git tree id of folder {@code dir} (below the contents root), from its parent's listing. */
    private String folderSha(String dir, String prefix) {
        String full = (CONTENTS_ROOT + dir).replaceAll("/+$", "");
        int slash = full.lastIndexOf('/');
        String parent = slash < 0 ? "" : full.substring(0, slash);
        String leaf = full.substring(slash + 1);
        Request req = apiRequest(contentsPathUrl(parent)).get().build();
        try (Response r = send(req, "list", prefix, false, 0)) {
            if (r.code() != 200) throw unexpected(r, "list", prefix);
            for (JsonNode e : parse(r, prefix)) {
                if (leaf.equals(e.path("name").asText())
                        && "dir".equals(e.path("type").asText())) {
                    return e.path("sha").asText();
                }
            }
        }
        throw new RemoteUnavailableException(
                where + " listed over " + CONTENTS_DIRECTORY_LIMIT + " entries in " + dir
                        + " but its parent folder does not name it; try again",
                true);
    }

    /**
     * Every entry of the folder with git tree id {@code sha} (Git Trees API, not recursive: one folder,
     * all its entries), shaped like Contents API entries ({@code name}, {@code type} file/dir, {@code
     * sha}, {@code size}).
     */
    private JsonNode treeEntries(String sha, String prefix) {
        HttpUrl u = repoUrl()
                .addPathSegment("git")
                .addPathSegment("trees")
                .addPathSegment(sha)
                .build();
        Request req = apiRequest(u).get().build();
        JsonNode tree;
        try (Response r = send(req, "list", prefix, false, 0)) {
            if (r.code() != 200) throw unexpected(r, "list", prefix);
            tree = parse(r, prefix);
        }
        if (tree.path("truncated").asBoolean(false)) {
            throw new RemoteUnavailableException(
                    where + " cut off the listing of " + prefix + " (the Git Trees API's limit)", false);
        }
        com.fasterxml.jackson.databind.node.ArrayNode out = MAPPER.createArrayNode();
        for (JsonNode t : tree.path("tree")) {
            String type = t.path("type").asText();
            if (!type.equals("blob") && !type.equals("tree")) continue; // a submodule
            ObjectNode e = out.addObject();
            e.put("name", t.path("path").asText());
            e.put("type", type.equals("tree") ? "dir" : "file");
            e.put("sha", t.path("sha").asText());
            e.put("size", t.path("size").asLong(0));
        }
        return out;
    }

    private static boolean isBlobName(String name) {
        try {
            BlobNames.check(name);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * A 404 on a path: the file is missing, unless the whole repository is (or the token cannot see
     * it), which is said once, clearly, and not retried.
     */
    private void requireRepository(String name) {
        if (Boolean.TRUE.equals(repoExists)) return;
        Request req = apiRequest(repoUrl().build()).get().build();
        try (Response r = send(req, "look up", name, false, 0)) {
            if (r.code() == 200) {
                repoExists = true;
                return;
            }
            if (r.code() == 404) {
                throw new RemoteUnavailableException(
                        "the GitHub repository " + url.owner() + "/" + url.repo() + " does not exist at "
                                + url.api() + ", or the token cannot see it"
                                + (token.get().isEmpty() ? " (no token set: " + TOKEN_HINT + ")" : ""),
                        false);
            }
            throw unexpected(r, "look up", name);
        }
    }

    static final String TOKEN_HINT =
            "run 'forge auth login github --with-token' (with --api for GitHub Enterprise), or set"
                    + " FORGE_GITHUB_TOKEN, with a token that has access to the repository";

    // ---- releases and assets ----

    private static String token(Asset a) {
        return "asset-" + a.id();
    }

    private void forget(String asset) {
        synchronized (lock) {
            assets.remove(asset);
        }
    }

    /** The uploaded asset {@code name}; on a miss, lists the releases again first when {@code refresh}. */
    private Optional<Asset> findAsset(String name, boolean refresh) {
        synchronized (lock) {
            Asset a = assets.get(name);
            if (a != null || !refresh) return Optional.ofNullable(a);
        }
        refresh();
        synchronized (lock) {
            return Optional.ofNullable(assets.get(name));
        }
    }

    /** Lists Forge's releases and their assets again (every page). Returns every asset, finished or not. */
    private List<Asset> refresh() {
        List<Release> found = new ArrayList<>();
        List<Asset> all = new ArrayList<>();
        HttpUrl first = repoUrl()
                .addPathSegment("releases")
                .addQueryParameter("per_page", String.valueOf(PAGE))
                .build();
        for (JsonNode rel : pages(first, "list releases of", "packs/")) {
            String tag = rel.path("tag_name").asText();
            if (!tag.startsWith(RELEASE_TAG_PREFIX)) continue;
            int number;
            try {
                number = Integer.parseInt(tag.substring(RELEASE_TAG_PREFIX.length()));
            } catch (NumberFormatException e) {
                continue;
            }
            long id = rel.path("id").asLong();
            HttpUrl assetsUrl = repoUrl()
                    .addPathSegment("releases")
                    .addPathSegment(String.valueOf(id))
                    .addPathSegment("assets")
                    .addQueryParameter("per_page", String.valueOf(PAGE))
                    .build();
            int count = 0;
            for (JsonNode a : pages(assetsUrl, "list assets of", "packs/")) {
                all.add(asset(a, id));
                count++;
            }
            found.add(new Release(id, number, rel.path("upload_url").asText(), count));
        }
        found.sort(java.util.Comparator.comparingInt(Release::number));
        Map<String, Asset> uploaded = new HashMap<>();
        for (Asset a : all) {
            // Of two complete assets of one name (a replacement whose old asset is not deleted yet), the newest.
            if ("uploaded".equals(a.state())) uploaded.merge(a.name(), a, (x, y) -> x.id() > y.id() ? x : y);
        }
        synchronized (lock) {
            releases = found;
            assets = uploaded;
        }
        return all;
    }

    private static Asset asset(JsonNode a, long releaseId) {
        return new Asset(
                a.path("id").asLong(),
                a.path("name").asText(),
                a.path("size").asLong(),
                a.path("state").asText(),
                releaseId);
    }

    /** Every element of a paginated list, following the Link header's {@code rel="next"}. */
    private List<JsonNode> pages(HttpUrl first, String what, String name) {
        List<JsonNode> out = new ArrayList<>();
        HttpUrl next = first;
        for (int page = 0; next != null; page++) {
            if (page > 10_000) throw new RemoteUnavailableException("endless pagination from " + where, false);
            Request req = apiRequest(next).get().build();
            try (Response r = send(req, what, name, false, 0)) {
                if (r.code() == 404) {
                    requireRepository(name);
                    return out;
                }
                if (r.code() != 200) throw unexpected(r, what, name);
                JsonNode n = parse(r, name);
                if (!n.isArray()) throw new RemoteUnavailableException("unexpected answer from " + where, true);
                n.forEach(out::add);
                next = nextLink(r.header("Link"));
            }
            if (next != null && !sameHost(next, api)) {
                throw new RemoteUnavailableException(
                        "GitHub's next page is on another host (" + next.host() + "): not followed", false);
            }
        }
        return out;
    }

    static HttpUrl nextLink(String link) {
        if (link == null) return null;
        for (String part : link.split(",")) {
            Matcher m = NEXT_LINK.matcher(part.strip());
            if (m.find()) return HttpUrl.parse(m.group(1));
        }
        return null;
    }

    /**
     * The release to upload to: the newest, if it has room and is not {@code avoid} (the release of the
     * asset being replaced), else a new one.
     */
    private Release releaseWithRoom(long avoid) {
        synchronized (lock) {
            if (!releases.isEmpty()) {
                Release last = releases.getLast();
                if (last.assetCount() < assetsPerRelease && last.id() != avoid) return last;
            }
        }
        refresh();
        int next;
        synchronized (lock) {
            if (!releases.isEmpty()) {
                Release last = releases.getLast();
                if (last.assetCount() < assetsPerRelease && last.id() != avoid) return last;
                next = last.number() + 1;
            } else {
                next = 1;
            }
        }
        return createRelease(next);
    }

    private Release createRelease(int number) {
        String tag = RELEASE_TAG_PREFIX + number;
        for (int attempt = 0; attempt < 2; attempt++) {
            ObjectNode body = MAPPER.createObjectNode();
            body.put("tag_name", tag);
            body.put("name", "Forge packs " + number);
            body.put("body", "Pack files of a Forge remote (forge push). Do not edit or delete them.");
            body.put("draft", false);
            body.put("prerelease", false);
            Request req = apiRequest(repoUrl().addPathSegment("releases").build())
                    .post(RequestBody.create(json(body), JSON))
                    .build();
            try (Response r = send(req, "create release " + tag + " for", "packs/", true, 0)) {
                if (r.code() == 201) {
                    JsonNode n = parse(r, tag);
                    Release rel = new Release(
                            n.path("id").asLong(), number, n.path("upload_url").asText(), 0);
                    synchronized (lock) {
                        List<Release> copy = new ArrayList<>(releases);
                        copy.add(rel);
                        releases = copy;
                    }
                    return rel;
                }
                if (r.code() == 404) requireRepository("packs/");
                if (r.code() != 422) throw unexpected(r, "create release " + tag + " for", "packs/");
                String text = errorText(r);
                if (text.contains("already_exists")) break; // another client made it: use theirs
                if (text.toLowerCase(Locale.ROOT).contains("empty") && attempt == 0) {
                    // A release needs a commit to tag: give an empty repository its first one.
                    int s = writeContents(".keep", new byte[0], null);
                    if (s != 200 && s != 201 && s != 422 && s != 409)
                        throw unexpected(r, "create release " + tag + " for", "packs/");
                    continue;
                }
                throw new RemoteUnavailableException(
                        "GitHub refused to create release " + tag + " in " + where + " (HTTP 422: " + text + ")",
                        false);
            }
        }
        refresh();
        synchronized (lock) {
            for (Release rel : releases) if (rel.number() == number) return rel;
        }
        throw new RemoteUnavailableException("release " + tag + " vanished from " + where + " while in use", true);
    }

    /**
     * Uploads an asset. One that replaces an asset of the same name goes to another release and the old
     * one is deleted after: readers take the newest asset of a name, so they see the old blob or the new
     * one, never none. An asset of that name already in the target release (422 already_exists) is an
     * earlier attempt's when it is complete and as long (names are content hashes); a starter asset an
     * interrupted upload left is deleted and the upload made again.
     */
    private void upload(String name, String asset, RequestBody body, long size) {
        if (size > MAX_ASSET_BYTES) {
            throw new ForgeException(name + " is " + size + " bytes, more than a GitHub release asset may be ("
                    + MAX_ASSET_BYTES + "); use smaller packs");
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<Asset> there = findAsset(asset, false);
            Release rel = releaseWithRoom(there.map(Asset::releaseId).orElse(-1L));
            HttpUrl target = uploadUrl(rel, asset);
            Request.Builder rb = new Request.Builder().url(target).header("Accept", "application/vnd.github+json");
            rb.header("User-Agent", USER_AGENT).header("X-GitHub-Api-Version", API_VERSION);
            if (mayCarryToken(target)) token.get().ifPresent(t -> rb.header("Authorization", "Bearer " + t));
            Request req = rb.post(body).build();
            try (Response r = send(req, "upload", name, true, size)) {
                if (r.code() == 201) {
                    Asset a = asset(parse(r, name), rel.id());
                    synchronized (lock) {
                        Map<String, Asset> copy = new HashMap<>(assets);
                        if ("uploaded".equals(a.state())) copy.put(asset, a);
                        assets = copy;
                        List<Release> rels = new ArrayList<>();
                        for (Release x : releases)
                            rels.add(
                                    x.id() == rel.id()
                                            ? new Release(x.id(), x.number(), x.uploadUrl(), x.assetCount() + 1)
                                            : x);
                        releases = rels;
                    }
                    if (!"uploaded".equals(a.state())) {
                        throw new RemoteUnavailableException(
                                "GitHub left " + name + " unfinished in " + where + " (state " + a.state() + ")", true);
                    }
                    if (there.isPresent() && there.get().id() != a.id()) deleteAsset(there.get(), name);
                    return;
                }
                if (r.code() == 404) requireRepository(name);
                if (r.code() != 422) throw unexpected(r, "upload", name);
                String text = errorText(r);
                List<Asset> all = refresh();
                if (!text.contains("already_exists")) continue; // e.g. the release filled up: look again
                for (Asset a : all) {
                    if (!a.name().equals(asset) || a.releaseId() != rel.id()) continue;
                    if ("uploaded".equals(a.state()) && a.size() == size) { // an earlier attempt's
                        if (there.isPresent() && there.get().id() != a.id()) deleteAsset(there.get(), name);
                        return;
                    }
                    deleteAsset(a, name); // a starter asset, or another blob: remove it and upload again
                }
            }
        }
        throw new RemoteUnavailableException("GitHub kept refusing the upload of " + name + " to " + where, true);
    }

    private HttpUrl uploadUrl(Release rel, String asset) {
        String raw = rel.uploadUrl();
        int brace = raw.indexOf('{');
        HttpUrl u = HttpUrl.parse(brace < 0 ? raw : raw.substring(0, brace));
        if (u == null) throw new RemoteUnavailableException("GitHub gave no usable upload URL for " + where, false);
        return u.newBuilder().addQueryParameter("name", asset).build();
    }

    private void deleteAsset(Asset a, String name) {
        Request req = apiRequest(repoUrl()
                        .addPathSegment("releases")
                        .addPathSegment("assets")
                        .addPathSegment(String.valueOf(a.id()))
                        .build())
                .delete()
                .build();
        try (Response r = send(req, "delete", name, true, 0)) {
            if (r.code() != 204 && r.code() != 200 && r.code() != 404) throw unexpected(r, "delete", name);
        }
        synchronized (lock) {
            Asset now = assets.get(a.name());
            if (now != null && now.id() == a.id()) {
                Map<String, Asset> copy = new HashMap<>(assets);
                copy.remove(a.name());
                assets = copy;
            }
        }
    }

    /**
     * The asset's bytes (all of them when {@code offset} is negative): the asset API with {@code Accept:
     * application/octet-stream} answers 302 to where the bytes are, which is asked without the token.
     */
    private byte[] download(String name, Asset a, long offset, int length) {
        HttpUrl u = repoUrl()
                .addPathSegment("releases")
                .addPathSegment("assets")
                .addPathSegment(String.valueOf(a.id()))
                .build();
        String range = offset < 0 ? null : "bytes=" + offset + "-" + (offset + length - 1);
        Request.Builder rb = apiRequest(u).header("Accept", "application/octet-stream");
        if (range != null) rb.header("Range", range);
        long expected = offset < 0 ? a.size() : length;
        try (Response r = send(rb.get().build(), "read", name, false, expected)) {
            if (r.code() == 404) throw new NotFoundException("blob " + name + " is missing from " + where);
            if (r.code() == 200 || r.code() == 206) return checked(name, r, offset, length, a.size());
            if (r.code() != 302 && r.code() != 301 && r.code() != 307) throw unexpected(r, "read", name);
            String location = r.header("Location");
            HttpUrl to = location == null ? null : r.request().url().resolve(location);
            if (to == null) throw new RemoteUnavailableException("GitHub redirected " + name + " nowhere", true);
            Request.Builder storage = new Request.Builder().url(to).header("User-Agent", USER_AGENT);
            if (range != null) storage.header("Range", range);
            try (Response s = fetchStorage(storage.get().build(), name, expected)) {
                if (s.code() == 404) throw new NotFoundException("blob " + name + " is missing from " + where);
                if (s.code() == 200 || s.code() == 206) return checked(name, s, offset, length, a.size());
                // The redirect target is a signed link that expires: a new request to the API gives a new one.
                throw new RemoteUnavailableException(
                        "cannot read " + name + " in " + where + ": the download host answered HTTP " + s.code(), true);
            }
        }
    }

    /** The body of a download, cut to the range asked for when the server sent the whole asset. */
    private byte[] checked(String name, Response r, long offset, int length, long size) {
        byte[] b = body(r, name);
        if (offset < 0) {
            if (b.length != size) throw incomplete(name, b.length, size);
            return b;
        }
        if (r.code() == 200) {
            if (b.length != size) throw incomplete(name, b.length, size);
            return java.util.Arrays.copyOfRange(b, (int) offset, (int) offset + length);
        }
        if (b.length != length) throw incomplete(name, b.length, length);
        return b;
    }

    private RemoteUnavailableException incomplete(String name, long got, long wanted) {
        return new RemoteUnavailableException(
                "incomplete answer from " + where + " for " + name + " (" + got + " of " + wanted
                        + " bytes: connection dropped?)",
                true);
    }

    // ---- HTTP ----

    static final String USER_AGENT = "forge";
    static final String API_VERSION = "2022-11-28";

    private Request.Builder apiRequest(HttpUrl u) {
        Request.Builder b = new Request.Builder()
                .url(u)
                .header("Accept", "application/vnd.github+json")
                .header("User-Agent", USER_AGENT)
                .header("X-GitHub-Api-Version", API_VERSION);
        token.get().ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    /**
     * One request to where a download was redirected: no token, no GitHub error handling (it is not
     * GitHub's API); a failed connection is retryable. Its URL (a signed link) is never put in a message.
     */
    private Response fetchStorage(Request req, String name, long bytes) {
        okhttp3.Call call = http.newCall(req);
        call.timeout().timeout(policy.requestDeadline(bytes).toMillis(), TimeUnit.MILLISECONDS);
        try {
            return call.execute();
        } catch (IOException e) {
            throw new RemoteUnavailableException(
                    "cannot read " + name + " in " + where + " from its download host: " + failure(e), true, e);
        }
    }

    /** The token goes to the API host, and to github.com's upload host; nowhere else. */
    private boolean mayCarryToken(HttpUrl u) {
        if (sameHost(u, api)) return true;
        return url.isGitHubCom() && u.scheme().equals("https") && u.host().equals("uploads.github.com");
    }

    private static boolean sameHost(HttpUrl a, HttpUrl b) {
        return a.scheme().equals(b.scheme()) && a.host().equalsIgnoreCase(b.host()) && a.port() == b.port();
    }

    /**
     * Sends one request within {@link RetryPolicy#requestDeadline} for {@code bytes} of body, and turns
     * the answers every call treats alike into typed failures: no connection or a dropped one, 5xx and
     * rate limits (retryable), 401 and a 403 that is not a rate limit (not). Other answers are returned.
     * Writes on github.com are started at least a second apart.
     */
    private Response send(Request req, String what, String name, boolean write, long bytes) {
        if (write && mutationSpacingNanos > 0) spaceWrites();
        okhttp3.Call call = http.newCall(req);
        call.timeout().timeout(policy.requestDeadline(bytes).toMillis(), TimeUnit.MILLISECONDS);
        Response r;
        try {
            r = call.execute();
        } catch (IOException e) {
            throw new RemoteUnavailableException(
                    "cannot " + what + " " + name + " in " + where + ": " + failure(e), true, e);
        }
        int s = r.code();
        if (s < 400 || s == 404 || s == 409 || s == 422) return r;
        try (r) {
            String text = errorText(r);
            if (s == 401) {
                throw new RemoteUnavailableException(
                        "GitHub refused the credentials for " + where + " (401 " + text + "): "
                                + (token.get().isPresent()
                                        ? "the token is wrong, expired or revoked; "
                                        : "no token set; ")
                                + TOKEN_HINT,
                        false);
            }
            Duration wait = rateLimitWait(r, text);
            if (wait != null) {
                throw new RemoteUnavailableException(
                        "GitHub's rate limit stopped a request to " + what + " " + name + " in " + where + " (HTTP " + s
                                + (text.isEmpty() ? "" : ": " + text) + ")",
                        true,
                        wait,
                        null);
            }
            if (s == 403) {
                throw new RemoteUnavailableException(
                        "access denied to " + where + " (403" + (text.isEmpty() ? "" : ": " + text) + "): "
                                + "the token needs the 'contents: write' permission on the repository to push",
                        false);
            }
            boolean retryable = s >= 500 || s == 408 || s == 429;
            throw new RemoteUnavailableException(
                    "cannot " + what + " " + name + " in " + where + ": HTTP " + s
                            + (text.isEmpty() ? "" : " (" + text + ")"),
                    retryable);
        }
    }

    /**
     * How long GitHub asks to wait, when {@code r} is a rate limit (403 or 429): its Retry-After; else
     * until X-RateLimit-Reset when X-RateLimit-Remaining is 0; else, for a secondary limit that names no
     * time, a minute, as GitHub's documentation asks. Null when it is not a rate limit.
     */
    static Duration rateLimitWait(Response r, String text) {
        int s = r.code();
        if (s != 403 && s != 429) return null;
        Instant now = Instant.now();
        Duration after = RetryAfter.parse(r.header("Retry-After"), now);
        if (after != null) return after;
        if ("0".equals(r.header("X-RateLimit-Remaining"))) {
            String reset = r.header("X-RateLimit-Reset");
            if (reset != null && reset.strip().matches("\\d{1,12}")) {
                long at = Long.parseLong(reset.strip());
                long secs = Math.max(0, at - now.getEpochSecond()) + 1;
                return Duration.ofSeconds(secs);
            }
            return Duration.ofSeconds(60);
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (s == 429 || lower.contains("rate limit") || lower.contains("abuse")) return Duration.ofSeconds(60);
        return null;
    }

    private void spaceWrites() {
        synchronized (writeGate) {
            long now = System.nanoTime();
            long wait = lastWriteStart + mutationSpacingNanos - now;
            if (wait > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ForgeException("interrupted");
                }
            }
            lastWriteStart = System.nanoTime();
        }
    }

    private String failure(IOException e) {
        return BearerHttp.failure(policy, e);
    }

    private RemoteUnavailableException unexpected(Response r, String what, String name) {
        String text = errorText(r);
        return new RemoteUnavailableException(
                "cannot " + what + " " + name + " in " + where + ": unexpected HTTP " + r.code()
                        + (text.isEmpty() ? "" : " (" + text + ")"),
                r.code() >= 500);
    }

    /** GitHub's error message and error codes ("Validation Failed: already_exists"), one line, at most 300 characters. */
    private static String errorText(Response r) {
        String raw;
        try {
            raw = r.peekBody(64 << 10).string();
        } catch (IOException e) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        try {
            JsonNode n = MAPPER.readTree(raw);
            sb.append(n.path("message").asText(""));
            for (JsonNode e : n.path("errors")) {
                String code = e.path("code").asText("");
                if (!code.isEmpty()) sb.append(sb.isEmpty() ? "" : ": ").append(code);
            }
        } catch (IOException | RuntimeException e) {
            sb.append(raw);
        }
        String t = sb.toString().replaceAll("\\s+", " ").strip();
        return RemoteUrl.redact(t.length() > 300 ? t.substring(0, 300) + "..." : t);
    }

    private byte[] body(Response r, String name) {
        try {
            return r.body().bytes();
        } catch (IOException e) {
            throw new RemoteUnavailableException(
                    "cannot read " + name + " in " + where + ": " + failure(e) + " (connection dropped?)", true, e);
        }
    }

    private JsonNode parse(Response r, String name) {
        try {
            return MAPPER.readTree(body(r, name));
        } catch (IOException e) {
            throw new RemoteUnavailableException("GitHub sent an answer that is not JSON for " + name, true, e);
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
