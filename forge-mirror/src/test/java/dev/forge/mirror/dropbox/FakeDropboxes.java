package dev.forge.mirror.dropbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fake Dropbox servers for a test class ({@code @RegisterExtension}): one per {@link #newUrl}, taking
 * requests without a token (the remote factory reads tokens from the environment, which a test JVM
 * cannot set), all closed after the class's tests.
 */
public final class FakeDropboxes implements AfterAllCallback {
    private final List<FakeDropbox> servers = new CopyOnWriteArrayList<>();

    /** The {@code dropbox://} URL of a new, empty folder on a server of its own. */
    public String newUrl() {
        try {
            FakeDropbox s = FakeDropbox.start(null);
            servers.add(s);
            return s.url("forge/film");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        servers.forEach(FakeDropbox::close);
    }
}
