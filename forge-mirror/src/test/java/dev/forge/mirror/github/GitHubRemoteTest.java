package dev.forge.mirror.github;

import dev.forge.mirror.RemoteProtocolContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The push/fetch/pull/clone protocol against {@link FakeGitHub}, one fake repository per remote. The
 * fake takes requests without a token here: the remote factory reads the token from the environment,
 * which a test JVM cannot set (GitHubBlobStoreTest checks tokens).
 */
class GitHubRemoteTest extends RemoteProtocolContract {
    @RegisterExtension
    static final FakeGitHubs GITHUB = new FakeGitHubs();

    @Override
    protected String newRemoteUrl() {
        return GITHUB.newUrl();
    }
}
