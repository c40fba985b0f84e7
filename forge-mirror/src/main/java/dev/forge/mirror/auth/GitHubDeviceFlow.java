package dev.forge.mirror.auth;

import java.net.URI;

/**
 * GitHub's OAuth device flow ({@link DeviceFlow}), as GitHub documents it: {@code BASE/login/device/code} and
 * {@code BASE/login/oauth/access_token}, where BASE is https://github.com for api.github.com, else the API's
 * scheme, host and port (GitHub Enterprise Server serves the flow at its root). GitHub's OAuth-app tokens do
 * not expire, so no refresh token is kept.
 */
public final class GitHubDeviceFlow {
    /** Scopes for a Forge remote on GitHub: releases and contents of (private) repositories. */
    public static final String SCOPE = "repo";

    private final DeviceFlow flow;

    public GitHubDeviceFlow(URI base, String clientId, DeviceFlow.Sleeper sleeper) {
        this.flow = new DeviceFlow(
                "GitHub",
                "forge auth login github",
                URI.create(base + "/login/device/code"),
                URI.create(base + "/login/oauth/access_token"),
                clientId,
                null,
                SCOPE,
                sleeper);
    }

    /** The OAuth base for an API base: https://github.com for api.github.com, else scheme://host[:port]. */
    public static URI oauthBase(URI api) {
        URI n = Provider.GITHUB.normalize(api);
        if (n.getHost().equals("api.github.com")) return URI.create("https://github.com");
        return URI.create(n.getScheme() + "://" + n.getHost() + (n.getPort() < 0 ? "" : ":" + n.getPort()));
    }

    /** Runs the flow ({@link DeviceFlow#run}) and returns GitHub's access token. */
    public String run(java.util.function.Consumer<DeviceFlow.Prompt> prompt) throws InterruptedException {
        return flow.run(prompt).accessToken();
    }
}
