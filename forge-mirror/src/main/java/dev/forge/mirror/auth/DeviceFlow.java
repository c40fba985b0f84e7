package dev.forge.mirror.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.core.error.KeyException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OAuth 2.0 device authorization grant (RFC 8628), for GitHub ({@link GitHubDeviceFlow}) and Google
 * ({@link #google}): POST the device-code endpoint (client_id, scope) for a device code, a user code and a
 * verification URL; the user enters the code there; meanwhile the token endpoint is polled (client_id,
 * client_secret when the app has one, device_code, grant_type urn:ietf:params:oauth:grant-type:device_code)
 * every {@code interval} seconds. It answers {@code authorization_pending} until the user approved, {@code
 * slow_down} when polled too often (the interval grows by the one it names, else by 5 seconds, RFC 8628 section
 * 3.5), {@code expired_token} or {@code access_denied} at the end. Never logs or puts into a message the device
 * code, the secret or a token.
 */
public final class DeviceFlow {
    /** Google's endpoints for the device flow ("OAuth 2.0 for TV and Limited-Input Device Applications"). */
    public static final URI GOOGLE_DEVICE_CODE = URI.create("https://oauth2.googleapis.com/device/code");

    public static final URI GOOGLE_TOKEN = URI.create("https://oauth2.googleapis.com/token");
    /** Files Forge creates or opens in the user's Drive, nothing else. */
    public static final String GOOGLE_SCOPE = "https://www.googleapis.com/auth/drive.file";

    private static final String GRANT = "urn:ietf:params:oauth:grant-type:device_code";

    /** What the user must do: open the URL and enter the code. */
    public record Prompt(String userCode, URI verificationUri, Duration expiresIn) {}

    /** Waits between polls; tests pass one that records the waits and returns at once. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final String service;
    private final String again;
    private final URI codeEndpoint;
    private final URI tokenEndpoint;
    private final String clientId;
    private final String clientSecret;
    private final String scope;
    private final Sleeper sleeper;

    /**
     * @param service the provider's name in messages ("GitHub")
     * @param again the command that starts the login again, for messages
     * @param clientSecret the OAuth client's secret, or null when it has none
     */
    public DeviceFlow(
            String service,
            String again,
            URI codeEndpoint,
            URI tokenEndpoint,
            String clientId,
            String clientSecret,
            String scope,
            Sleeper sleeper) {
        this.service = service;
        this.again = again;
        this.codeEndpoint = codeEndpoint;
        this.tokenEndpoint = tokenEndpoint;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.scope = scope;
        this.sleeper = sleeper;
    }

    /**
     * Google's device flow for the Drive backend. {@code api} is the Drive API base (null: Google's): for
     * Google's own, Google's OAuth endpoints; for another (a test server), {@code API/device/code} and {@code
     * API/token}, where GDriveBlobStore.tokenEndpoint also refreshes.
     */
    public static DeviceFlow google(URI api, String clientId, String clientSecret, Sleeper sleeper) {
        URI n = Provider.GDRIVE.normalize(api);
        boolean own = n.equals(Provider.GDRIVE.defaultApi());
        return new DeviceFlow(
                "Google",
                "forge auth login google" + (own ? "" : " --api " + n),
                own ? GOOGLE_DEVICE_CODE : URI.create(n + "/device/code"),
                own ? GOOGLE_TOKEN : URI.create(n + "/token"),
                clientId,
                clientSecret,
                GOOGLE_SCOPE,
                sleeper);
    }

    /**
     * Google's device flow for the YouTube mirror: as {@link #google}, with the {@code youtube.upload} scope
     * (upload only: it can neither read nor delete a channel's videos).
     */
    public static DeviceFlow youtube(URI api, String clientId, String clientSecret, Sleeper sleeper) {
        URI n = Provider.YOUTUBE.normalize(api);
        boolean own = n.equals(Provider.YOUTUBE.defaultApi());
        return new DeviceFlow(
                "Google",
                "forge auth login youtube" + (own ? "" : " --api " + n),
                own ? GOOGLE_DEVICE_CODE : URI.create(n + "/device/code"),
                own ? GOOGLE_TOKEN : URI.create(n + "/token"),
                clientId,
                clientSecret,
                YOUTUBE_SCOPE,
                sleeper);
    }

    /** The scope of {@link #youtube}. */
    public static final String YOUTUBE_SCOPE = "https://www.googleapis.com/auth/youtube.upload";

    public URI tokenEndpoint() {
        return tokenEndpoint;
    }

    /**
     * Runs the flow: asks for a code, hands it to {@code prompt} (which shows it to the user), polls until the
     * user approved and returns the tokens. A denied, expired or refused flow is a {@link KeyException}.
     */
    public OAuthTokens run(java.util.function.Consumer<Prompt> prompt) throws InterruptedException {
        Map<String, String> ask = new LinkedHashMap<>();
        ask.put("client_id", clientId);
        ask.put("scope", scope);
        String what = "the " + service + " device login";
        JsonNode code = TokenEndpoint.post(codeEndpoint, ask, what);
        String deviceCode = code.path("device_code").asText("");
        String userCode = code.path("user_code").asText("");
        // RFC 8628 names it verification_uri; Google sends verification_url.
        String uri = code.path("verification_uri")
                .asText(code.path("verification_url").asText(""));
        if (deviceCode.isEmpty() || userCode.isEmpty() || uri.isEmpty())
            throw refused(code, "asking for a device code");
        long interval = Math.max(1, code.path("interval").asLong(5));
        long expiresIn = code.path("expires_in").asLong(900);
        URI verification;
        try {
            verification = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw refused(code, "asking for a device code (its verification URL is not a URL)");
        }
        prompt.accept(new Prompt(userCode, verification, Duration.ofSeconds(expiresIn)));
        KeyException expired = new KeyException(
                "the " + service + " device code expired before it was approved: run '" + again + "' again");
        long waited = 0;
        while (true) {
            sleeper.sleep(Duration.ofSeconds(interval));
            waited += interval;
            Map<String, String> form = new LinkedHashMap<>();
            form.put("client_id", clientId);
            if (clientSecret != null) form.put("client_secret", clientSecret);
            form.put("device_code", deviceCode);
            form.put("grant_type", GRANT);
            JsonNode r = TokenEndpoint.post(tokenEndpoint, form, what);
            String token = r.path("access_token").asText("");
            if (!token.isEmpty()) {
                String refresh = r.path("refresh_token").asText("");
                return new OAuthTokens(token, refresh.isEmpty() ? null : refresh);
            }
            switch (r.path("error").asText("")) {
                case "authorization_pending" -> {}
                case "slow_down" ->
                    interval = r.has("interval") ? r.get("interval").asLong() : interval + 5;
                case "expired_token" -> throw expired;
                case "access_denied" -> throw new KeyException("the " + service + " login was denied at " + uri);
                default -> throw refused(r, "waiting for approval");
            }
            if (waited > expiresIn + interval) throw expired;
        }
    }

    private KeyException refused(JsonNode r, String doing) {
        return new KeyException(service + " refused the device login while " + doing + " at " + codeEndpoint
                + TokenEndpoint.describeError(r));
    }
}
