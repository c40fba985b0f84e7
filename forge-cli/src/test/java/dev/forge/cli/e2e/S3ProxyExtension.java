package dev.forge.cli.e2e;

import dev.forge.mirror.s3.S3ProxyServer;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One S3Proxy with a bucket {@code forge} for an end-to-end test class ({@code @RegisterExtension}):
 * started before its tests (after dist/forge is built), stopped and its folder removed after them.
 */
final class S3ProxyExtension implements BeforeAllCallback, AfterAllCallback {
    /** The environment a forge process needs to sign its requests to it. */
    static final Map<String, String> CREDS = Map.of(
            "FORGE_S3_ACCESS_KEY_ID", S3ProxyServer.IDENTITY, "FORGE_S3_SECRET_ACCESS_KEY", S3ProxyServer.SECRET);

    private final String name;
    private S3ProxyServer server;
    private java.nio.file.Path root;

    /** {@code name}: the prefix of its temporary folder. */
    S3ProxyExtension(String name) {
        this.name = name;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ForgeProcess.forge();
        root = Files.createTempDirectory(name);
        server = S3ProxyServer.start(root);
        server.createBucket("forge");
    }

    @Override
    public void afterAll(ExtensionContext context) throws java.io.IOException {
        if (server != null) server.close();
        // The bucket's files (a few hundred MB after the larger classes): each run left them in /tmp.
        if (root != null) {
            try (var s = Files.walk(root)) {
                for (var p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    S3ProxyServer server() {
        return server;
    }
}
