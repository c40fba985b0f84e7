package dev.forge.mirror.github;

import dev.forge.mirror.RemoteProtocolContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;

/**
 * The push/fetch/pull/clone protocol against {@link FakeGitHub}, one fake repository per remote. The
 * fake takes requests without a token here: the remote factory reads the token from the environment,
 * which a test JVM cannot set (GitHubBlobStoreTest checks tokens).
 */
class GitHubRemoteTest extends RemoteProtocolContract {
    static final List<FakeGitHub> SERVERS = new CopyOnWriteArrayList<>();

    @AfterAll
    static void stop() {
        SERVERS.forEach(FakeGitHub::close);
    }

    @Override
    protected String newRemoteUrl() {
        try {
            FakeGitHub s = FakeGitHub.start("studio", "film", null);
            SERVERS.add(s);
            return s.url();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
