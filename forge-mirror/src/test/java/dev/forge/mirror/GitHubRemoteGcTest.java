package dev.forge.mirror;

import dev.forge.mirror.github.FakeGitHub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;

/** {@link RemoteGcTest} against a fake GitHub (releases for packs, the Contents API for the rest). */
class GitHubRemoteGcTest extends RemoteGcTest {
    static final List<FakeGitHub> SERVERS = new CopyOnWriteArrayList<>();
    private String url;

    @AfterAll
    static void stop() {
        SERVERS.forEach(FakeGitHub::close);
    }

    @Override
    protected String url() {
        if (url == null) {
            try {
                FakeGitHub s = FakeGitHub.start("studio", "film", null);
                SERVERS.add(s);
                url = s.url();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return url;
    }
}
