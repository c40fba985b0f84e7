package dev.forge.cli.e2e;

import dev.forge.mirror.s3.S3ProxyServer;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One S3Proxy with a bucket {@code forge} for an end-to-end test class ({@code @RegisterExtension}):
 * started before its tests (after dist/forge is built), stopped after them.
 */
final class S3ProxyExtension implements BeforeAllCallback, AfterAllCallback {
    /** The environment a forge process needs to sign its requests to it. */
    static final Map<String, String> CREDS = Map.of(
            "FORGE_S3_ACCESS_KEY_ID", S3ProxyServer.IDENTITY, "FORGE_S3_SECRET_ACCESS_KEY", S3ProxyServer.SECRET);

    private final String name;
    private S3ProxyServer server;

    /** {@code name}: the prefix of its temporary folder. */
    S3ProxyExtension(String name) {
        this.name = name;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ForgeProcess.forge();
        server = S3ProxyServer.start(Files.createTempDirectory(name));
        server.createBucket("forge");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) server.close();
    }

    S3ProxyServer server() {
        return server;
    }
}
