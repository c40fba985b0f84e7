package dev.forge.mirror.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forge.core.error.KeyException;
import dev.forge.core.error.RemoteUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * GitHub's OAuth 2.0 device flow, as GitHub documents it: POST {@code BASE/login/device/code} (client_id,
 * scope) gives a device code, a user code and a verification URL; the user enters the code there; meanwhile
 * POST {@code BASE/login/oauth/access_token} (client_id, device_code, grant_type
 * urn:ietf:params:oauth:grant-type:device_code) is polled every {@code interval} seconds, answered
 * {@code authorization_pending} until the user has approved, {@code slow_down} (with a new interval, else
 * 5 seconds more) when polled too often, {@code expired_token} or {@code access_denied} at the end.
 *
 * <p>BASE is https://github.com for api.github.com, else the API's scheme, host and port (GitHub Enterprise
 * Server serves the flow at its root). Uses the JDK's HTTP client: two form posts need no more. Never logs or
 * puts into a message the device code or the token.
 */
public final class GitHubDeviceFlow {
    /** Scopes for a Forge remote on GitHub: releases and contents of (private) repositories. */
    public static final String SCOPE = "repo";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GRANT = "urn:ietf:params:oauth:grant-type:device_code";

    /** What the user must do: open the URL and enter the code. */
    public record Prompt(String userCode, URI verificationUri, Duration expiresIn) {}

    /** Waits between polls; tests record the waits instead of sleeping. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final URI base;
    private final String clientId;
    private final HttpClient http;
    private final Sleeper sleeper;

    public GitHubDeviceFlow(URI base, String clientId, Sleeper sleeper) {
        this.base = base;
        this.clientId = clientId;
        this.sleeper = sleeper;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The OAuth base for an API base: https://github.com for api.github.com, else scheme://host[:port]. */
    public static URI oauthBase(URI api) {
        URI n = Provider.GITHUB.normalize(api);
        if (n.getHost().equals("api.github.com")) return URI.create("https://github.com");
        return URI.create(n.getScheme() + "://" + n.getHost() + (n.getPort() < 0 ? "" : ":" + n.getPort()));
    }

    /**
     * Runs the flow: asks for a code, hands it to {@code prompt} (which shows it to the user), polls until the
     * user approved and returns the access token. A denied, expired or refused flow is a {@link KeyException}.
     */
    public String run(java.util.function.Consumer<Prompt> prompt) throws InterruptedException {
        Map<String, String> ask = new LinkedHashMap<>();
        ask.put("client_id", clientId);
        ask.put("scope", SCOPE);
        JsonNode code = post("/login/device/code", ask);
        String deviceCode = code.path("device_code").asText("");
        String userCode = code.path("user_code").asText("");
        String uri = code.path("verification_uri").asText("");
        if (deviceCode.isEmpty() || userCode.isEmpty() || uri.isEmpty())
            throw refused(code, "asking for a device code");
        long interval = Math.max(1, code.path("interval").asLong(5));
        long expiresIn = code.path("expires_in").asLong(900);
        URI verification;
        try {
            verification = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw refused(code, "asking for a device code (its verification_uri is not a URL)");
        }
        prompt.accept(new Prompt(userCode, verification, Duration.ofSeconds(expiresIn)));
        long waited = 0;
        while (true) {
            sleeper.sleep(Duration.ofSeconds(interval));
            waited += interval;
            Map<String, String> form = new LinkedHashMap<>();
            form.put("client_id", clientId);
            form.put("device_code", deviceCode);
            form.put("grant_type", GRANT);
            JsonNode r = post("/login/oauth/access_token", form);
            String token = r.path("access_token").asText("");
            if (!token.isEmpty()) return token;
            String error = r.path("error").asText("");
            switch (error) {
                case "authorization_pending" -> {}
                case "slow_down" ->
                    interval = r.has("interval") ? r.get("interval").asLong() : interval + 5;
                case "expired_token" ->
                    throw new KeyException(
                            "the GitHub device code expired before it was approved: run 'forge auth login github' again");
                case "access_denied" -> throw new KeyException("the GitHub login was denied at " + uri);
                default -> throw refused(r, "waiting for approval");
            }
            if (waited > expiresIn + interval)
                throw new KeyException(
                        "the GitHub device code expired before it was approved: run 'forge auth login github' again");
        }
    }

    private KeyException refused(JsonNode r, String doing) {
        String error = r.path("error").asText("");
        String description = r.path("error_description").asText("");
        return new KeyException("GitHub refused the device login while " + doing + " at " + base
                + (error.isEmpty() ? " (no error code)" : ": " + error)
                + (description.isEmpty() ? "" : " (" + sanitize(description) + ")"));
    }

    private static String sanitize(String s) {
        String t = s.replaceAll("[\\p{Cntrl}]", " ");
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }

    private JsonNode post(String path, Map<String, String> form) throws InterruptedException {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest req = HttpRequest.newBuilder(URI.create(base.toString() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("User-Agent", "forge")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RemoteUnavailableException(
                    "cannot reach " + base + " for the GitHub device login: " + e.getMessage(), true, e);
        }
        JsonNode n;
        try {
            n = JSON.readTree(resp.body());
        } catch (IOException e) {
            n = null;
        }
        if (n == null || !n.isObject()) {
            throw new RemoteUnavailableException(
                    String.format(
                            Locale.ROOT, "%s%s answered HTTP %d without a JSON body", base, path, resp.statusCode()),
                    false);
        }
        // GitHub answers the device flow's errors with 200 and an "error" field; a 4xx/5xx without one is a refusal.
        if (resp.statusCode() >= 400 && !n.has("error"))
            throw new RemoteUnavailableException(
                    String.format(Locale.ROOT, "%s%s answered HTTP %d", base, path, resp.statusCode()), false);
        return n;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
