package dev.forge.mirror.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.forge.core.error.KeyException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DeviceFlow#google} against a local server answering as Google documents its device flow ("OAuth 2.0
 * for TV and Limited-Input Device Applications"): {@code verification_url}, and errors as HTTP 428
 * authorization_pending, 403 slow_down, 403 access_denied, 400 expired_token.
 */
class GoogleDeviceFlowTest {
    private HttpServer server;
    private URI api;
    private final List<Map<String, String>> codeRequests = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
    /** Status and body of successive polls; pending (428) when empty. */
    private final Deque<Object[]> answers = new ArrayDeque<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/device/code", ex -> {
            codeRequests.add(form(ex));
            reply(
                    ex,
                    200,
                    "{\"device_code\":\"4/DEVICE-secret\",\"user_code\":\"GQVQ-JKEC\","
                            + "\"verification_url\":\"https://www.google.com/device\",\"expires_in\":1800,\"interval\":5}");
        });
        server.createContext("/token", ex -> {
            tokenRequests.add(form(ex));
            Object[] a;
            synchronized (answers) {
                a = answers.isEmpty() ? new Object[] {428, "{\"error\":\"authorization_pending\"}"} : answers.poll();
            }
            reply(ex, (Integer) a[0], (String) a[1]);
        });
        server.start();
        api = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static Map<String, String> form(HttpExchange ex) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
            int eq = kv.indexOf('=');
            m.put(
                    URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    private static void reply(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Test
    void pendingSlowDownThenTokensWithARefreshToken() throws Exception {
        answers.add(new Object[] {428, "{\"error\":\"authorization_pending\"}"});
        answers.add(new Object[] {403, "{\"error\":\"slow_down\",\"error_description\":\"Forbidden\"}"});
        answers.add(new Object[] {
            200,
            "{\"access_token\":\"ya29.SECRET\",\"expires_in\":3599,\"refresh_token\":\"1//REFRESH-secret\","
                    + "\"scope\":\"https://www.googleapis.com/auth/drive.file\",\"token_type\":\"Bearer\"}"
        });
        List<Duration> waits = new ArrayList<>();
        List<DeviceFlow.Prompt> prompts = new ArrayList<>();
        DeviceFlow flow = DeviceFlow.google(api, "123.apps.googleusercontent.com", "GOCSPX-secret", waits::add);
        assertEquals(URI.create(api + "/token"), flow.tokenEndpoint());
        OAuthTokens t = flow.run(prompts::add);
        assertEquals(new OAuthTokens("ya29.SECRET", "1//REFRESH-secret"), t);
        assertFalse(t.toString().contains("SECRET") || t.toString().contains("secret"), t.toString());
        assertEquals("GQVQ-JKEC", prompts.getFirst().userCode());
        assertEquals(
                URI.create("https://www.google.com/device"), prompts.getFirst().verificationUri());
        // slow_down without an interval: 5 seconds more from then on (RFC 8628 section 3.5).
        assertEquals(
                List.of(5L, 5L, 10L), waits.stream().map(Duration::toSeconds).toList());
        assertEquals(
                List.of(Map.of(
                        "client_id",
                        "123.apps.googleusercontent.com",
                        "scope",
                        "https://www.googleapis.com/auth/drive.file")),
                codeRequests);
        assertEquals(3, tokenRequests.size());
        for (var r : tokenRequests)
            assertEquals(
                    Map.of(
                            "client_id", "123.apps.googleusercontent.com",
                            "client_secret", "GOCSPX-secret",
                            "device_code", "4/DEVICE-secret",
                            "grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                    r);
    }

    @Test
    void expiredAndDeniedAreKeyErrorsWithoutSecrets() throws Exception {
        answers.add(new Object[] {400, "{\"error\":\"expired_token\"}"});
        var e = assertThrows(
                KeyException.class,
                () -> DeviceFlow.google(api, "c", "s3cret", d -> {}).run(p -> {}));
        assertTrue(e.getMessage().contains("Google device code expired"), e.getMessage());
        assertTrue(e.getMessage().contains("forge auth login google --api " + api), e.getMessage());
        answers.add(new Object[] {403, "{\"error\":\"access_denied\",\"error_description\":\"Forbidden\"}"});
        var d = assertThrows(
                KeyException.class,
                () -> DeviceFlow.google(api, "c", "s3cret", x -> {}).run(p -> {}));
        assertTrue(d.getMessage().contains("Google login was denied"), d.getMessage());
        for (String m : List.of(e.getMessage(), d.getMessage()))
            assertFalse(m.contains("DEVICE-secret") || m.contains("s3cret"), m);
        // Without a secret (a client that has none) the poll carries no client_secret.
        answers.add(new Object[] {200, "{\"access_token\":\"ya29.x\"}"});
        tokenRequests.clear();
        OAuthTokens t = DeviceFlow.google(api, "c", null, x -> {}).run(p -> {});
        assertEquals(new OAuthTokens("ya29.x", null), t);
        assertFalse(tokenRequests.getFirst().containsKey("client_secret"));
    }

    @Test
    void googlesOwnEndpointsByDefault() {
        DeviceFlow f = DeviceFlow.google(null, "c", null, d -> {});
        assertEquals(URI.create("https://oauth2.googleapis.com/token"), f.tokenEndpoint());
        assertEquals(
                DeviceFlow.GOOGLE_TOKEN,
                DeviceFlow.google(URI.create("https://www.googleapis.com/"), "c", null, d -> {})
                        .tokenEndpoint());
    }
}
