package dev.forge.mirror.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.core.error.KeyException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OAuth 2.0 authorization code grant with PKCE (RFC 7636, method S256) without a redirect server, as
 * Dropbox documents it for apps that cannot receive a redirect: the user opens {@link #authorizeUrl}, approves,
 * and Dropbox shows a code that the user pastes into the terminal; {@link #exchange} trades it, with the code
 * verifier, for an access token and (token_access_type=offline) a refresh token. No client secret: a PKCE
 * client is public. Never puts the verifier, the code or a token into a message.
 */
public final class PkceFlow {
    /** Dropbox's authorization page; the token endpoint is DropboxBlobStore.tokenEndpoint (API/oauth2/token). */
    public static final URI DROPBOX_AUTHORIZE = URI.create("https://www.dropbox.com/oauth2/authorize");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final URI authorize;
    private final URI tokenEndpoint;
    private final String clientId;
    private final String verifier;

    public PkceFlow(URI authorize, URI tokenEndpoint, String clientId) {
        this.authorize = authorize;
        this.tokenEndpoint = tokenEndpoint;
        this.clientId = clientId;
        byte[] b = new byte[32]; // 43 characters of base64url: RFC 7636 section 4.1 wants 43 to 128
        RANDOM.nextBytes(b);
        this.verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /**
     * Dropbox's flow for an API base (null: Dropbox's): Dropbox's authorization page and
     * https://api.dropboxapi.com/oauth2/token; for another base (a test server), {@code API/oauth2/authorize}
     * and {@code API/oauth2/token}.
     */
    public static PkceFlow dropbox(URI api, String clientId) {
        URI n = Provider.DROPBOX.normalize(api);
        boolean own = n.equals(Provider.DROPBOX.defaultApi());
        return new PkceFlow(
                own ? DROPBOX_AUTHORIZE : URI.create(n + "/oauth2/authorize"),
                URI.create(n + "/oauth2/token"),
                clientId);
    }

    /** BASE64URL(SHA-256(ASCII(verifier))), RFC 7636 section 4.2. */
    public static String challenge(String verifier) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public URI tokenEndpoint() {
        return tokenEndpoint;
    }

    /** The page the user opens: it carries the challenge, never the verifier. */
    public URI authorizeUrl() {
        return URI.create(authorize + "?client_id=" + enc(clientId) + "&response_type=code&code_challenge="
                + challenge(verifier) + "&code_challenge_method=S256&token_access_type=offline");
    }

    /** Trades the code the user pasted for tokens; a refused code is a {@link KeyException}. */
    public OAuthTokens exchange(String code) throws InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("client_id", clientId);
        form.put("code_verifier", verifier);
        JsonNode r = TokenEndpoint.post(tokenEndpoint, form, "the Dropbox login");
        String token = r.path("access_token").asText("");
        if (token.isEmpty())
            throw new KeyException("Dropbox refused the code at " + tokenEndpoint + TokenEndpoint.describeError(r)
                    + ": run 'forge auth login dropbox' again and paste the new code");
        String refresh = r.path("refresh_token").asText("");
        return new OAuthTokens(token, refresh.isEmpty() ? null : refresh);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
