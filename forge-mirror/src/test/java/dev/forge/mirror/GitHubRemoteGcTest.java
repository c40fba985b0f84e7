package dev.forge.mirror;

import dev.forge.mirror.github.FakeGitHubs;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RemoteGcTest} against a fake GitHub (releases for packs, the Contents API for the rest). */
class GitHubRemoteGcTest extends RemoteGcTest {
    @RegisterExtension
    static final FakeGitHubs GITHUB = new FakeGitHubs();

    private String url;

    @Override
    protected String url() {
        if (url == null) {
            url = GITHUB.newUrl();
        }
        return url;
    }
}
