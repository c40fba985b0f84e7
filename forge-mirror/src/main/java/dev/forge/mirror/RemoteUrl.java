package dev.forge.mirror;

import dev.forge.core.error.InvalidInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A remote's address, parsed: a directory ({@code /mnt/nas/proj}, {@code file:///mnt/nas/proj}), an
 * S3 bucket and prefix ({@code s3://BUCKET/PREFIX?endpoint=URL&region=R&path-style=true}) or an R2
 * bucket ({@code r2://ACCOUNT_ID/BUCKET/PREFIX}), a Dropbox or Google Drive folder ({@code dropbox://PATH},
 * {@code gdrive://FOLDER_ID_OR_PATH}) or a GitHub repository ({@code
 * github://OWNER/REPO?api=URL}). Credentials never go in the URL: they come from the
 * environment, so a URL is safe to store in {@code .forge} and to print. {@link #parse} refuses a URL
 * that carries any (user info in it or in its endpoint, a secret-looking option), and {@link #redact}
 * hides them in any text that is printed, for URLs stored by older versions and for what the user
 * typed.
 */
public sealed interface RemoteUrl {
    /** Where credentials go instead, for messages. */
    String CREDENTIALS_HINT =
            "set FORGE_S3_ACCESS_KEY_ID and FORGE_S3_SECRET_ACCESS_KEY in the environment instead (never stored)";

    /** The canonical form stored in the repository's metadata. */
    String text();

    record Directory(Path path) implements RemoteUrl {
        @Override
        public String text() {
            return path.toUri().toString();
        }
    }

    /**
     * A remote read over plain HTTP(S) (a static host, a CDN, {@code forge serve}): read-only, and
     * found through its listings (docs/format.md). {@code text} is the URL as given, without a
     * trailing slash.
     */
    record Http(String text) implements RemoteUrl {}

    /**
     * An S3-compatible bucket. {@code endpoint} is null for AWS itself; {@code region} null means the
     * SDK's default (or us-east-1 for other endpoints).
     */
    record S3(String bucket, String prefix, String endpoint, String region, boolean pathStyle, String original)
            implements RemoteUrl {
        @Override
        public String text() {
            return original;
        }

        /** Whether this is AWS S3 itself (which takes the SDK's default checksums). */
        public boolean isAws() {
            return endpoint == null || URI.create(endpoint).getHost().endsWith(".amazonaws.com");
        }
    }

    /**
     * A GitHub repository: packs as release assets, everything else through the Contents API. {@code
     * api} is the REST API base without a trailing slash ({@code https://api.github.com}, or {@code
     * https://HOST/api/v3} for GitHub Enterprise Server).
     */
    record GitHub(String owner, String repo, String api, String original) implements RemoteUrl {
        /** The API base of github.com. */
        public static final String DEFAULT_API = "https://api.github.com";

        @Override
        public String text() {
            return original;
        }

        /** Whether this is github.com itself (whose rate limits always apply). */
        public boolean isGitHubCom() {
            return api.equals(DEFAULT_API);
        }
    }

    /**
     * A folder in a Dropbox: {@code dropbox://PATH[?api=URL&content=URL]}. {@code root} is the folder's
     * Dropbox path ({@code /forge/film}); {@code api} and {@code content} are the RPC and content hosts
     * without {@code /2} and without a trailing slash ({@code https://api.dropboxapi.com}, {@code
     * https://content.dropboxapi.com}); a test server gives {@code ?api=} and, when it serves both, no
     * {@code content}.
     */
    record Dropbox(String root, String api, String content, String original) implements RemoteUrl {
        public static final String DEFAULT_API = "https://api.dropboxapi.com";
        public static final String DEFAULT_CONTENT = "https://content.dropboxapi.com";

        @Override
        public String text() {
            return original;
        }
    }

    /**
     * A Google Drive folder: {@code gdrive://FOLDER_ID} or {@code gdrive://PATH} (folders from My Drive's
     * root, made when missing). Exactly one of {@code folderId} and {@code path} is set ({@code path}
     * without leading or trailing slash). {@code api} is the base of both the metadata API ({@code
     * API/drive/v3}) and the upload API ({@code API/upload/drive/v3}), without a trailing slash.
     */
    record GDrive(String folderId, String path, String api, String original) implements RemoteUrl {
        public static final String DEFAULT_API = "https://www.googleapis.com";

        @Override
        public String text() {
            return original;
        }
    }

    /**
     * A YouTube channel as a write-only, experimental mirror: {@code youtube://LABEL} ({@code LABEL} names the
     * channel or the collection in titles; the upload goes to the channel of the authorised account). Options:
     * {@code api} (the base of the Data API, {@code API/upload/youtube/v3/videos}; a test server), {@code
     * privacy} ({@code unlisted}, the default, or {@code private}), {@code perDay} (videos uploaded a day at
     * most, default {@link #DEFAULT_PER_DAY}), {@code videoBytes} (payload bytes a video carries at most,
     * default {@link #DEFAULT_VIDEO_BYTES}).
     */
    record YouTube(String label, String api, String privacy, int perDay, long videoBytes, String original)
            implements RemoteUrl {
        public static final String DEFAULT_API = "https://www.googleapis.com";
        /** The Data API's default videos.insert bucket is 100 calls a day per project (docs/cli.md); leave room. */
        public static final int DEFAULT_PER_DAY = 90;
        /** About 14 minutes of 1080p video at the codec's 74,917 B/s (docs/benchmarks.md, "Video codec"). */
        public static final long DEFAULT_VIDEO_BYTES = 60L << 20;

        @Override
        public String text() {
            return original;
        }
    }

    /**
     * Parses {@code url}; a relative path is taken relative to {@code cwd}. A URL with credentials in it
     * is refused ({@link InvalidInputException}, exit 2) with a message that does not repeat them.
     */
    static RemoteUrl parse(String url, Path cwd) {
        if (url == null || url.isBlank()) throw new InvalidInputException("empty remote URL");
        int colon = url.indexOf("://");
        if (colon < 0) return new Directory(cwd.resolve(url).toAbsolutePath().normalize());
        String scheme = url.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
        String credentials = UrlSecrets.credentialsIn(url);
        if (credentials != null) {
            throw new InvalidInputException("remote URLs must not contain credentials (" + credentials + " in '"
                    + redact(url) + "'): " + CREDENTIALS_HINT);
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new InvalidInputException("bad remote URL '" + redact(url) + "': " + e.getReason());
        }
        return switch (scheme) {
            case "file" -> {
                if (uri.getHost() != null
                        && !uri.getHost().isEmpty()
                        && !uri.getHost().equals("localhost")) {
                    throw new InvalidInputException(
                            "file:// URLs name a local path (file:///path), not host '" + uri.getHost() + "'");
                }
                yield new Directory(Path.of(uri.getPath()).toAbsolutePath().normalize());
            }
            case "http", "https" -> http(uri, url);
            case "s3" -> s3(uri, url);
            case "r2" -> r2(uri, url);
            case "github" -> github(uri, url);
            case "dropbox" -> dropbox(uri, url);
            case "gdrive" -> gdrive(uri, url);
            case "youtube" -> youtube(uri, url);
            default ->
                throw new InvalidInputException(
                        "unknown remote URL scheme '" + scheme + "' in '" + redact(url)
                                + "'; use a path, file:///path, s3://BUCKET/PREFIX, r2://ACCOUNT_ID/BUCKET/PREFIX,"
                                + " github://OWNER/REPO, dropbox://PATH, gdrive://FOLDER_ID_OR_PATH, youtube://LABEL or https://HOST/PATH");
        };
    }

    private static Http http(URI uri, String original) {
        if (uri.getHost() == null || uri.getHost().isEmpty())
            throw new InvalidInputException("HTTP remote URL '" + redact(original) + "' has no host");
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new InvalidInputException("HTTP remote URLs take no options: '" + redact(original)
                    + "' (a bearer token goes in FORGE_HTTP_TOKEN)");
        }
        String text = original;
        while (text.endsWith("/")) text = text.substring(0, text.length() - 1);
        return new Http(text);
    }

    private static S3 s3(URI uri, String original) {
        String bucket = uri.getHost();
        if (bucket == null || bucket.isEmpty())
            throw new InvalidInputException("s3 URL '" + redact(original) + "' has no bucket: use s3://BUCKET/PREFIX");
        Map<String, String> q = query(uri, original);
        for (String k : q.keySet()) {
            if (!k.equals("endpoint") && !k.equals("region") && !k.equals("path-style")) {
                throw new InvalidInputException("unknown option '" + k + "' in '" + redact(original)
                        + "' (known: endpoint, region, path-style)");
            }
        }
        String endpoint = q.get("endpoint");
        if (endpoint != null) {
            URI e;
            try {
                e = new URI(endpoint);
            } catch (URISyntaxException x) {
                throw new InvalidInputException(
                        "endpoint in '" + redact(original) + "' is not a URL: " + x.getReason());
            }
            if (e.getScheme() == null
                    || !(e.getScheme().equals("http") || e.getScheme().equals("https"))
                    || e.getHost() == null) {
                throw new InvalidInputException("endpoint in '" + redact(original) + "' must be an http(s) URL, got '"
                        + redact(endpoint) + "'");
            }
        }
        String ps = q.getOrDefault("path-style", "false");
        if (!ps.equals("true") && !ps.equals("false"))
            throw new InvalidInputException("path-style must be true or false in '" + redact(original) + "'");
        return new S3(bucket, prefix(uri.getPath()), endpoint, q.get("region"), ps.equals("true"), original);
    }

    private static S3 r2(URI uri, String original) {
        String account = uri.getHost();
        String path = prefix(uri.getPath());
        int slash = path.indexOf('/');
        String bucket = slash < 0 ? path.replaceAll("/$", "") : path.substring(0, slash);
        if (account == null || account.isEmpty() || bucket.isEmpty()) {
            throw new InvalidInputException(
                    "r2 URL '" + redact(original) + "' must look like r2://ACCOUNT_ID/BUCKET/PREFIX");
        }
        if (!query(uri, original).isEmpty())
            throw new InvalidInputException("r2 URLs take no options: '" + redact(original) + "'");
        String prefix = slash < 0 ? "" : path.substring(slash + 1);
        return new S3(bucket, prefix, "https://" + account + ".r2.cloudflarestorage.com", "auto", true, original);
    }

    private static GitHub github(URI uri, String original) {
        String owner = uri.getHost();
        String path = prefix(uri.getPath());
        if (path.endsWith("/")) path = path.substring(0, path.length() - 1);
        if (owner == null
                || !GITHUB_NAME.matcher(owner).matches()
                || !GITHUB_NAME.matcher(path).matches()) {
            throw new InvalidInputException("github URL '" + redact(original)
                    + "' must look like github://OWNER/REPO (letters, digits, '.', '_', '-'), optionally with"
                    + " ?api=https://HOST/api/v3 for GitHub Enterprise Server");
        }
        Map<String, String> q = query(uri, original);
        for (String k : q.keySet()) {
            if (!k.equals("api"))
                throw new InvalidInputException(
                        "unknown option '" + k + "' in '" + redact(original) + "' (known: api)");
        }
        String api = q.getOrDefault("api", GitHub.DEFAULT_API);
        URI a;
        try {
            a = new URI(api);
        } catch (URISyntaxException x) {
            throw new InvalidInputException("api in '" + redact(original) + "' is not a URL: " + x.getReason());
        }
        if (a.getScheme() == null
                || !(a.getScheme().equals("http") || a.getScheme().equals("https"))
                || a.getHost() == null
                || a.getRawQuery() != null) {
            throw new InvalidInputException("api in '" + redact(original)
                    + "' must be an http(s) URL without a query, like https://HOST/api/v3, got '" + redact(api) + "'");
        }
        while (api.endsWith("/")) api = api.substring(0, api.length() - 1);
        return new GitHub(owner, path, api, original);
    }

    private static Dropbox dropbox(URI uri, String original) {
        String rest = original.substring("dropbox://".length());
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        while (path.startsWith("/")) path = path.substring(1);
        while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
        boolean ok = !path.isEmpty();
        for (String seg : path.split("/", -1)) {
            ok &= DROPBOX_SEGMENT.matcher(seg).matches() && !seg.equals(".") && !seg.equals("..");
        }
        if (!ok) {
            throw new InvalidInputException("dropbox URL '" + redact(original)
                    + "' must look like dropbox://FOLDER/SUBFOLDER (letters, digits, '.', '_', '-'),"
                    + " optionally with ?api=URL&content=URL for a test server");
        }
        Map<String, String> opts = query(uri, original);
        for (String k : opts.keySet()) {
            if (!k.equals("api") && !k.equals("content"))
                throw new InvalidInputException(
                        "unknown option '" + k + "' in '" + redact(original) + "' (known: api, content)");
        }
        String api = httpBase(opts.getOrDefault("api", Dropbox.DEFAULT_API), "api", original);
        String content = opts.containsKey("content")
                ? httpBase(opts.get("content"), "content", original)
                : opts.containsKey("api") ? api : Dropbox.DEFAULT_CONTENT;
        return new Dropbox("/" + path, api, content, original);
    }

    private static GDrive gdrive(URI uri, String original) {
        String rest = original.substring("gdrive://".length());
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        while (path.startsWith("/")) path = path.substring(1);
        while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
        boolean ok = !path.isEmpty();
        for (String seg : path.split("/", -1)) {
            ok &= DROPBOX_SEGMENT.matcher(seg).matches() && !seg.equals(".") && !seg.equals("..");
        }
        if (!ok) {
            throw new InvalidInputException("gdrive URL '" + redact(original)
                    + "' must look like gdrive://FOLDER_ID or gdrive://FOLDER/SUBFOLDER (letters, digits, '.', '_',"
                    + " '-'), optionally with ?api=URL for a test server");
        }
        Map<String, String> opts = query(uri, original);
        for (String k : opts.keySet()) {
            if (!k.equals("api"))
                throw new InvalidInputException(
                        "unknown option '" + k + "' in '" + redact(original) + "' (known: api)");
        }
        String api = httpBase(opts.getOrDefault("api", GDrive.DEFAULT_API), "api", original);
        boolean id = GDRIVE_ID.matcher(path).matches() && path.chars().anyMatch(Character::isDigit);
        return new GDrive(id ? path : null, id ? null : path, api, original);
    }

    private static YouTube youtube(URI uri, String original) {
        String rest = original.substring("youtube://".length());
        int q = rest.indexOf('?');
        String label = q < 0 ? rest : rest.substring(0, q);
        while (label.endsWith("/")) label = label.substring(0, label.length() - 1);
        if (!YOUTUBE_LABEL.matcher(label).matches()) {
            throw new InvalidInputException("youtube URL '" + redact(original)
                    + "' must look like youtube://LABEL (letters, digits, '.', '_', '-'), optionally with"
                    + " ?privacy=unlisted|private, perDay=N, videoBytes=N or api=URL");
        }
        Map<String, String> opts = query(uri, original);
        for (String k : opts.keySet()) {
            if (!List.of("api", "privacy", "perDay", "videoBytes").contains(k))
                throw new InvalidInputException("unknown option '" + k + "' in '" + redact(original)
                        + "' (known: api, privacy, perDay, videoBytes)");
        }
        String api = httpBase(opts.getOrDefault("api", YouTube.DEFAULT_API), "api", original);
        String privacy = opts.getOrDefault("privacy", "unlisted");
        if (!privacy.equals("unlisted") && !privacy.equals("private"))
            throw new InvalidInputException("privacy in '" + redact(original) + "' must be unlisted or private");
        long perDay = positive(opts.getOrDefault("perDay", "" + YouTube.DEFAULT_PER_DAY), "perDay", original);
        long videoBytes =
                positive(opts.getOrDefault("videoBytes", "" + YouTube.DEFAULT_VIDEO_BYTES), "videoBytes", original);
        if (perDay > 100_000) throw new InvalidInputException("perDay in '" + redact(original) + "' is too large");
        if (videoBytes > 200L << 20)
            throw new InvalidInputException("videoBytes in '" + redact(original) + "' is over 200 MiB");
        return new YouTube(label, api, privacy, (int) perDay, videoBytes, original);
    }

    private static long positive(String value, String option, String original) {
        try {
            long v = Long.parseLong(value);
            if (v > 0) return v;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new InvalidInputException(option + " in '" + redact(original) + "' must be a positive number");
    }

    /** A youtube:// label: a channel handle or any short name. */
    java.util.regex.Pattern YOUTUBE_LABEL = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,100}");

    /** What a Drive folder id looks like (one segment of 25 or more letters, digits, '_' and '-', with a digit). */
    java.util.regex.Pattern GDRIVE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{25,}");

    /** An http(s) base URL given as option {@code option}, without a trailing slash. */
    private static String httpBase(String value, String option, String original) {
        URI a;
        try {
            a = new URI(value);
        } catch (URISyntaxException x) {
            throw new InvalidInputException(option + " in '" + redact(original) + "' is not a URL: " + x.getReason());
        }
        if (a.getScheme() == null
                || !(a.getScheme().equals("http") || a.getScheme().equals("https"))
                || a.getHost() == null
                || a.getRawQuery() != null) {
            throw new InvalidInputException(option + " in '" + redact(original)
                    + "' must be an http(s) URL without a query, got '" + redact(value) + "'");
        }
        String v = value;
        while (v.endsWith("/")) v = v.substring(0, v.length() - 1);
        return v;
    }

    /** One folder name of a dropbox:// path. */
    java.util.regex.Pattern DROPBOX_SEGMENT = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,255}");

    /** An owner or repository name on GitHub. */
    java.util.regex.Pattern GITHUB_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,100}");

    /** The key prefix without leading slash, ending in '/' unless empty. */
    private static String prefix(String path) {
        String p = path == null ? "" : path;
        while (p.startsWith("/")) p = p.substring(1);
        if (!p.isEmpty() && !p.endsWith("/")) p += "/";
        return p;
    }

    private static Map<String, String> query(URI uri, String original) {
        Map<String, String> out = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) return out;
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq <= 0)
                throw new InvalidInputException("bad option '" + redact(kv) + "' in '" + redact(original) + "'");
            try {
                out.put(
                        URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(
                        "bad %-escape in option '" + redact(kv) + "' of '" + redact(original) + "'");
            }
        }
        return out;
    }

    /**
     * {@code text} with every URL's user info and the values of secret-looking options replaced by
     * {@code ***}: {@code s3://AKIA:pw@b/x} becomes {@code s3://***@b/x}, {@code
     * ?endpoint=http://k:s@h&secret_key=s} becomes {@code ?endpoint=http://***@h&secret_key=***}, the same
     * URL-encoded. Every message, listing and notice that can show a URL goes through this one function.
     */
    static String redact(String text) {
        return UrlSecrets.redact(text);
    }

    /** Whether {@code url} carries credentials (a stored URL from an older forge may). */
    static boolean hasCredentials(String url) {
        return url != null && url.contains("://") && UrlSecrets.credentialsIn(url) != null;
    }
}
