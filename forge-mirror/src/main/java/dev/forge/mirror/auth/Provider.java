package dev.forge.mirror.auth;

import dev.forge.core.error.InvalidInputException;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The services whose tokens Forge keeps: each with its default API base and the environment variables that
 * override the stored token. The first variable applies to every API host of the provider (the user named
 * Forge in it); the others only to the default host, so that a CI's GITHUB_TOKEN for github.com is never sent
 * to a GitHub Enterprise server.
 */
public enum Provider {
    GITHUB("github", "https://api.github.com", List.of("FORGE_GITHUB_TOKEN", "GITHUB_TOKEN")),
    GDRIVE("gdrive", "https://www.googleapis.com", List.of("FORGE_GDRIVE_TOKEN")),
    DROPBOX("dropbox", "https://api.dropboxapi.com", List.of("FORGE_DROPBOX_TOKEN")),
    /** Google with the {@code youtube.upload} scope, kept apart from Drive's token (another scope, another grant). */
    YOUTUBE("youtube", "https://www.googleapis.com", List.of("FORGE_YOUTUBE_TOKEN"));

    private final String id;
    private final URI defaultApi;
    private final List<String> envVars;

    Provider(String id, String defaultApi, List<String> envVars) {
        this.id = id;
        this.defaultApi = URI.create(defaultApi);
        this.envVars = envVars;
    }

    public String id() {
        return id;
    }

    public URI defaultApi() {
        return defaultApi;
    }

    /** The variables in lookup order; the first applies to every host, the rest to {@link #defaultApi} only. */
    public List<String> envVars() {
        return envVars;
    }

    public static Provider of(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("google")) return GDRIVE; // as docs and users often call it
        for (Provider p : values()) if (p.id.equals(n)) return p;
        throw new InvalidInputException("unknown provider '" + name + "' (github, gdrive or google, dropbox, youtube)");
    }

    /**
     * The API base in the one form tokens are kept under: lower-case scheme and host, no default port, no
     * trailing slash; null means the provider's default. Refuses user info, a query or a fragment.
     */
    public URI normalize(URI api) {
        if (api == null) return defaultApi;
        String scheme = api.getScheme() == null ? "" : api.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http"))
            throw new InvalidInputException("--api wants an http(s) URL such as https://ghe.example/api/v3");
        if (api.getHost() == null) throw new InvalidInputException("--api has no host");
        if (api.getRawUserInfo() != null || api.getRawQuery() != null || api.getRawFragment() != null)
            throw new InvalidInputException("--api takes scheme, host, port and path only");
        int port = api.getPort();
        if ((scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80)) port = -1;
        String path = api.getRawPath() == null ? "" : api.getRawPath();
        while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
        return URI.create(
                scheme + "://" + api.getHost().toLowerCase(Locale.ROOT) + (port < 0 ? "" : ":" + port) + path);
    }
}
