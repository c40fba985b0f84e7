package dev.forge.mirror.gdrive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fake Google Drives for a test class ({@code @RegisterExtension}): one per {@link #newUrl}, taking
 * requests without a token (the remote factory reads tokens from the environment, which a test JVM
 * cannot set), all closed after the class's tests.
 */
public final class FakeDrives implements AfterAllCallback {
    private final List<FakeDrive> servers = new CopyOnWriteArrayList<>();

    /** The {@code gdrive://} URL of a new folder path on a server of its own. */
    public String newUrl() {
        try {
            FakeDrive s = FakeDrive.start(null);
            servers.add(s);
            return s.url("forge/film");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        servers.forEach(FakeDrive::close);
    }
}
