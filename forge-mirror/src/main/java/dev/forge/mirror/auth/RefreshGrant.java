package dev.forge.mirror.auth;

import java.net.URI;

/**
 * What the token store keeps beside an access token to renew it (RFC 6749 section 6): the refresh token, the
 * OAuth client it was issued to (id, and secret when the app has one, else null) and the token endpoint.
 * {@link #toString} leaves the refresh token and the secret out.
 */
public record RefreshGrant(String refreshToken, String clientId, String clientSecret, URI tokenEndpoint) {
    @Override
    public String toString() {
        return "RefreshGrant[client " + clientId + " at " + tokenEndpoint + "]";
    }

    public RefreshGrant withRefreshToken(String rotated) {
        return new RefreshGrant(rotated, clientId, clientSecret, tokenEndpoint);
    }
}
