package dev.forge.mirror.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.KeyException;
import dev.forge.mirror.dropbox.FakeDropbox;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dropbox's authorization code flow with PKCE against {@link FakeDropbox}, which checks the S256 challenge. */
class PkceFlowTest {
    private FakeDropbox dropbox;

    @BeforeEach
    void start() throws Exception {
        dropbox = FakeDropbox.start("sl.unused");
    }

    @AfterEach
    void stop() {
        dropbox.close();
    }

    private static Map<String, String> query(URI u) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : u.getRawQuery().split("&")) {
            int eq = kv.indexOf('=');
            m.put(
                    kv.substring(0, eq),
                    java.net.URLDecoder.decode(kv.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
        }
        return m;
    }

    @Test
    void theCodeIsExchangedWithTheVerifierOfTheChallenge() throws Exception {
        URI api = URI.create(dropbox.api());
        PkceFlow flow = PkceFlow.dropbox(api, "app key");
        URI page = flow.authorizeUrl();
        assertEquals(
                api + "/oauth2/authorize",
                page.toString().substring(0, page.toString().indexOf('?')));
        Map<String, String> q = query(page);
        assertEquals("app key", q.get("client_id"));
        assertEquals("code", q.get("response_type"));
        assertEquals("S256", q.get("code_challenge_method"));
        assertEquals("offline", q.get("token_access_type"));
        String challenge = q.get("code_challenge");
        assertTrue(challenge.matches("[A-Za-z0-9_-]{43}"), challenge);
        // The fake accepts the code only with a verifier whose SHA-256 is the challenge on the page.
        dropbox.authorizationCode("CODE-from-page", "app key", challenge);
        OAuthTokens t = flow.exchange("CODE-from-page");
        assertTrue(t.accessToken().startsWith("sl.code-"), t.accessToken());
        assertEquals(dropbox.currentRefreshToken(), t.refreshToken());
        String verifier = dropbox.verifiers().getFirst();
        assertFalse(page.toString().contains(verifier), "the page carries the challenge, not the verifier");
        assertEquals(challenge, PkceFlow.challenge(verifier));
        assertEquals(URI.create(api + "/oauth2/token"), flow.tokenEndpoint());
    }

    @Test
    void anotherFlowsVerifierOrAWrongCodeIsRefused() {
        URI api = URI.create(dropbox.api());
        PkceFlow first = PkceFlow.dropbox(api, "k");
        PkceFlow second = PkceFlow.dropbox(api, "k");
        dropbox.authorizationCode("C1", "k", query(first.authorizeUrl()).get("code_challenge"));
        var e = assertThrows(KeyException.class, () -> second.exchange("C1"));
        assertTrue(e.getMessage().contains("invalid_grant"), e.getMessage());
        assertTrue(e.getMessage().contains("forge auth login dropbox"), e.getMessage());
        assertFalse(e.getMessage().contains("C1"), e.getMessage());
        var wrong = assertThrows(KeyException.class, () -> first.exchange("not-the-code"));
        assertFalse(wrong.getMessage().contains("not-the-code"), wrong.getMessage());
    }

    @Test
    void rfc7636AppendixBExample() {
        assertEquals(
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                PkceFlow.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assertTrue(PkceFlow.dropbox(null, "k")
                .authorizeUrl()
                .toString()
                .startsWith("https://www.dropbox.com/oauth2/authorize?client_id=k&response_type=code&code_challenge="));
    }
}
