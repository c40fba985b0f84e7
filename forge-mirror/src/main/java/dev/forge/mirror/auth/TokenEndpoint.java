package dev.forge.mirror.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forge.core.error.RemoteUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A form POST to an OAuth 2.0 endpoint (RFC 6749 / RFC 8628) answered with a JSON object: the one request the
 * device flow and the authorization-code exchange both make. Uses the JDK's HTTP client (form posts need no
 * more). An error answer with an {@code error} field (GitHub sends it with 200, Google with 400/403/428) is
 * returned for the caller to read; any other non-JSON or 4xx/5xx answer is a {@link RemoteUnavailableException}.
 * Never puts the form (codes, secrets) or the body (tokens) into a message.
 */
final class TokenEndpoint {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(30))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private TokenEndpoint() {}

    /** @param what the login, for messages (e.g. "the GitHub device login") */
    static JsonNode post(URI endpoint, Map<String, String> form, String what) throws InterruptedException {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest req = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("User-Agent", "forge")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> resp;
        try {
            resp = HTTP.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RemoteUnavailableException(
                    "cannot reach " + endpoint + " for " + what + ": " + e.getMessage(), true, e);
        }
        JsonNode n;
        try {
            n = JSON.readTree(resp.body());
        } catch (IOException e) {
            n = null;
        }
        if (n == null || !n.isObject()) {
            throw new RemoteUnavailableException(
                    String.format(Locale.ROOT, "%s answered HTTP %d without a JSON body", endpoint, resp.statusCode()),
                    false);
        }
        if (resp.statusCode() >= 400 && !n.has("error"))
            throw new RemoteUnavailableException(
                    String.format(Locale.ROOT, "%s answered HTTP %d", endpoint, resp.statusCode()), false);
        return n;
    }

    /** The server's error code and description for a message: control characters out, at most 200 characters. */
    static String describeError(JsonNode r) {
        String error = sanitize(r.path("error").asText(""));
        String description = sanitize(r.path("error_description").asText(""));
        return (error.isEmpty() ? " (no error code)" : ": " + error)
                + (description.isEmpty() ? "" : " (" + description + ")");
    }

    private static String sanitize(String s) {
        String t = s.replaceAll("[\\p{Cntrl}]", " ");
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
