package dev.forge.mirror.github;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fake GitHub servers for a test class ({@code @RegisterExtension}): one per {@link #newUrl}, each
 * with repository {@code studio/film} taking requests without a token (the remote factory reads tokens
 * from the environment, which a test JVM cannot set), all closed after the class's tests.
 */
public final class FakeGitHubs implements AfterAllCallback {
    private final List<FakeGitHub> servers = new CopyOnWriteArrayList<>();

    /** The {@code github://} URL of a new, empty repository on a server of its own. */
    public String newUrl() {
        try {
            FakeGitHub s = FakeGitHub.start("studio", "film", null);
            servers.add(s);
            return s.url();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        servers.forEach(FakeGitHub::close);
    }
}
