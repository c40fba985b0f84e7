package dev.forge.mirror.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.mirror.RemoteUrl;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * An OAuth 2.0 refresh-token grant (RFC 6749 section 6): trades a refresh token for a new access token
 * at a token endpoint, for the Dropbox and Google Drive backends when their access token has expired.
 * The refresh token, client id and secret come from the environment ({@link #fromEnv}), else from the token
 * store, where {@code forge auth login dropbox|google} kept them ({@link #fromStore}). The new access token is
 * kept in memory by the backend for the rest of the process; with the store, it is also saved there, and so is
 * a new refresh token when the server rotates it (the old one may stop working). A rotated refresh token from
 * the environment's is used for the rest of the process only: Forge cannot change the environment.
 * No message of this class contains a token or the secret.
 */
public final class OAuthRefresh {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OkHttpClient HTTP = new OkHttpClient.Builder()
            .connectTimeout(10, TimeUnit.SECONDS)
            .readTimeout(30, TimeUnit.SECONDS)
            .followRedirects(false)
            .build();

    /** Told each refresh's result: the refresh token used, the new access token, the rotated refresh token or null. */
    @FunctionalInterface
    public interface Listener {
        void refreshed(String used, String accessToken, String rotatedRefreshToken);
    }

    private final HttpUrl endpoint;
    private String refreshToken;
    private final String clientId;
    private final String clientSecret;
    private final String provider;
    private final Listener listener;

    public OAuthRefresh(String provider, HttpUrl endpoint, String refreshToken, String clientId, String clientSecret) {
        this(provider, endpoint, refreshToken, clientId, clientSecret, (u, a, r) -> {});
    }

    public OAuthRefresh(
            String provider,
            HttpUrl endpoint,
            String refreshToken,
            String clientId,
            String clientSecret,
            Listener listener) {
        this.provider = provider;
        this.listener = listener;
        this.endpoint = endpoint;
        this.refreshToken = refreshToken;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    /**
     * The refresh of {@code provider} from the environment: {@code PREFIX_REFRESH_TOKEN} and {@code
     * PREFIX_CLIENT_ID} (both needed; else null), {@code PREFIX_CLIENT_SECRET} when the app has one, at
     * {@code endpoint}.
     */
    public static OAuthRefresh fromEnv(Map<String, String> env, String prefix, String provider, String endpoint) {
        String refresh = env.get(prefix + "_REFRESH_TOKEN");
        String id = env.get(prefix + "_CLIENT_ID");
        if (refresh == null || refresh.isBlank() || id == null || id.isBlank()) return null;
        HttpUrl url = HttpUrl.parse(endpoint);
        if (url == null) return null;
        String secret = env.get(prefix + "_CLIENT_SECRET");
        return new OAuthRefresh(
                provider, url, refresh.strip(), id.strip(), secret == null || secret.isBlank() ? null : secret.strip());
    }

    /**
     * The refresh kept in {@code store} for a provider's API host, or null when its login kept none; each
     * refresh saves the new access token and a rotated refresh token there.
     */
    public static OAuthRefresh fromStore(TokenStore store, Provider p, java.net.URI api, String provider) {
        RefreshGrant g = store.refreshGrant(p, api).orElse(null);
        if (g == null) return null;
        HttpUrl url = HttpUrl.parse(g.tokenEndpoint().toString());
        if (url == null) return null;
        return new OAuthRefresh(
                provider,
                url,
                g.refreshToken(),
                g.clientId(),
                g.clientSecret(),
                (used, access, rotated) -> store.refreshed(p, api, used, access, rotated));
    }

    /** {@link #fromEnv} when the environment has a refresh token, else {@link #fromStore}; null when neither. */
    public static OAuthRefresh of(
            Map<String, String> env,
            String prefix,
            String provider,
            String endpoint,
            TokenStore store,
            Provider p,
            java.net.URI api) {
        OAuthRefresh r = fromEnv(env, prefix, provider, endpoint);
        return r != null ? r : fromStore(store, p, api, provider);
    }

    /**
     * A new access token; a refused refresh (400/401) is not retryable, a failed connection or 5xx is. A
     * rotated refresh token replaces the one used, here and (through the listener) where it came from.
     */
    public synchronized String refresh() {
        FormBody.Builder form = new FormBody.Builder()
                .add("grant_type", "refresh_token")
                .add("refresh_token", refreshToken)
                .add("client_id", clientId);
        if (clientSecret != null) form.add("client_secret", clientSecret);
        Request req = new Request.Builder()
                .url(endpoint)
                .header("User-Agent", "forge")
                .post(form.build())
                .build();
        try (Response r = HTTP.newCall(req).execute()) {
            String body = r.body().string();
            if (r.code() == 200) {
                JsonNode n = JSON.readTree(body);
                String token = n == null ? "" : n.path("access_token").asText("");
                if (!token.isEmpty()) {
                    String rotated = n.path("refresh_token").asText("");
                    rotated = rotated.isEmpty() || rotated.equals(refreshToken) ? null : rotated;
                    String used = refreshToken;
                    if (rotated != null) refreshToken = rotated;
                    listener.refreshed(used, token, rotated);
                    return token;
                }
                throw new RemoteUnavailableException(provider + "'s token endpoint sent no access token", true);
            }
            String error = "";
            try {
                JsonNode n = JSON.readTree(body);
                if (n != null) error = n.path("error").asText("");
            } catch (IOException e) {
                // not JSON: no error code to show
            }
            if (error.length() > 60 || !error.matches("[a-z_]*")) error = "";
            throw new RemoteUnavailableException(
                    provider + " refused to refresh the access token (HTTP " + r.code()
                            + (error.isEmpty() ? "" : " " + error) + "): the refresh token is wrong, revoked or for"
                            + " another app (log in again: forge auth login "
                            + provider.toLowerCase(java.util.Locale.ROOT)
                            + ")",
                    r.code() >= 500 || r.code() == 429);
        } catch (IOException e) {
            throw new RemoteUnavailableException(
                    "cannot reach " + provider + "'s token endpoint " + RemoteUrl.redact(endpoint.toString()) + ": "
                            + RemoteUrl.redact(String.valueOf(e.getMessage())),
                    true,
                    e);
        }
    }
}
