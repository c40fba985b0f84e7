package dev.forge.mirror.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.forge.core.error.KeyException;
import dev.forge.core.error.RemoteUnavailableException;
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

/** The device flow against a local server that answers as GitHub documents its device-flow endpoints. */
class GitHubDeviceFlowTest {
    private HttpServer server;
    private URI base;
    private final List<Map<String, String>> codeRequests = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
    private final List<String> accepts = new CopyOnWriteArrayList<>();
    /** The answers to successive access_token polls (JSON bodies). */
    private final Deque<String> answers = new ArrayDeque<>();

    private String codeAnswer = "{\"device_code\":\"DEV-123\",\"user_code\":\"WDJB-MJHT\","
            + "\"verification_uri\":\"https://github.com/login/device\",\"expires_in\":900,\"interval\":5}";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/login/device/code", ex -> {
            codeRequests.add(form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            accepts.add(ex.getRequestHeaders().getFirst("Accept"));
            reply(ex, 200, codeAnswer);
        });
        server.createContext("/login/oauth/access_token", ex -> {
            tokenRequests.add(form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            String a;
            synchronized (answers) {
                a = answers.isEmpty() ? "{\"error\":\"authorization_pending\"}" : answers.poll();
            }
            reply(ex, 200, a);
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    private static Map<String, String> form(String body) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : body.split("&")) {
            int eq = kv.indexOf('=');
            m.put(
                    URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    @Test
    void pendingThenSlowDownThenToken() throws Exception {
        answers.add("{\"error\":\"authorization_pending\"}");
        answers.add("{\"error\":\"slow_down\",\"interval\":10}");
        answers.add("{\"error\":\"slow_down\"}");
        answers.add("{\"access_token\":\"gho_SECRET\",\"token_type\":\"bearer\",\"scope\":\"repo\"}");
        List<Duration> waits = new ArrayList<>();
        List<DeviceFlow.Prompt> prompts = new ArrayList<>();
        String token = new GitHubDeviceFlow(base, "Iv1.client", waits::add).run(prompts::add);
        assertEquals("gho_SECRET", token);
        assertEquals(1, prompts.size());
        assertEquals("WDJB-MJHT", prompts.getFirst().userCode());
        assertEquals(
                URI.create("https://github.com/login/device"),
                prompts.getFirst().verificationUri());
        // The documented interval, then the server's new one, then 5 seconds more when it names none.
        assertEquals(
                List.of(5L, 5L, 10L, 15L),
                waits.stream().map(Duration::toSeconds).toList());
        assertEquals(List.of(Map.of("client_id", "Iv1.client", "scope", "repo")), codeRequests);
        assertEquals("application/json", accepts.getFirst());
        assertEquals(4, tokenRequests.size());
        for (var r : tokenRequests) {
            assertEquals("Iv1.client", r.get("client_id"));
            assertEquals("DEV-123", r.get("device_code"));
            assertEquals("urn:ietf:params:oauth:grant-type:device_code", r.get("grant_type"));
        }
    }

    @Test
    void expiredAndDeniedAreKeyErrors() {
        answers.add("{\"error\":\"expired_token\"}");
        var e = assertThrows(KeyException.class, () -> new GitHubDeviceFlow(base, "c", d -> {}).run(p -> {}));
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
        answers.add("{\"error\":\"access_denied\"}");
        var d = assertThrows(KeyException.class, () -> new GitHubDeviceFlow(base, "c", x -> {}).run(p -> {}));
        assertTrue(d.getMessage().contains("denied"), d.getMessage());
        assertFalse(d.getMessage().contains("DEV-123"), d.getMessage());
    }

    @Test
    void pendingPastTheExpiryStops() {
        codeAnswer = "{\"device_code\":\"D\",\"user_code\":\"U\",\"verification_uri\":\"https://x\","
                + "\"expires_in\":12,\"interval\":5}";
        List<Duration> waits = new ArrayList<>();
        var e = assertThrows(KeyException.class, () -> new GitHubDeviceFlow(base, "c", waits::add).run(p -> {}));
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
        assertEquals(4, waits.size());
    }

    @Test
    void refusedClientAndNoServer() throws Exception {
        codeAnswer = "{\"error\":\"unauthorized_client\",\"error_description\":\"bad\\nclient\"}";
        var e = assertThrows(KeyException.class, () -> new GitHubDeviceFlow(base, "c", d -> {}).run(p -> {}));
        assertTrue(e.getMessage().contains("unauthorized_client (bad client)"), e.getMessage());
        server.stop(0);
        assertThrows(RemoteUnavailableException.class, () -> new GitHubDeviceFlow(base, "c", d -> {}).run(p -> {}));
    }

    @Test
    void oauthBaseOfAnApiBase() {
        assertEquals(URI.create("https://github.com"), GitHubDeviceFlow.oauthBase(null));
        assertEquals(
                URI.create("https://github.com"), GitHubDeviceFlow.oauthBase(URI.create("https://api.github.com/")));
        assertEquals(
                URI.create("https://ghe.example"),
                GitHubDeviceFlow.oauthBase(URI.create("https://ghe.example/api/v3")));
        assertEquals(
                URI.create("http://127.0.0.1:8080"),
                GitHubDeviceFlow.oauthBase(URI.create("http://127.0.0.1:8080/api/v3")));
    }
}
