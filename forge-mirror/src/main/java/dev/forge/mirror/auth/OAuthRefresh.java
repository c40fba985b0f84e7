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
 * The refresh token, client id and secret come from the environment ({@link #fromEnv}); the new access
 * token is kept in memory by the backend for the rest of the process, never stored and never printed.
 * No message of this class contains a token or the secret.
 */
public final class OAuthRefresh {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OkHttpClient HTTP = new OkHttpClient.Builder()
            .connectTimeout(10, TimeUnit.SECONDS)
            .readTimeout(30, TimeUnit.SECONDS)
            .followRedirects(false)
            .build();

    private final HttpUrl endpoint;
    private final String refreshToken;
    private final String clientId;
    private final String clientSecret;
    private final String provider;

    public OAuthRefresh(String provider, HttpUrl endpoint, String refreshToken, String clientId, String clientSecret) {
        this.provider = provider;
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

    /** A new access token; a refused refresh (400/401) is not retryable, a failed connection or 5xx is. */
    public String refresh() {
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
                if (!token.isEmpty()) return token;
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
                            + (error.isEmpty() ? "" : " " + error) + "): the refresh token in the environment is"
                            + " wrong, revoked or for another app",
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
