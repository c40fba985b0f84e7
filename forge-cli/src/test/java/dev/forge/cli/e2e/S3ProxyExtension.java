package dev.forge.cli.e2e;

import dev.forge.mirror.s3.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An S3Proxy with a bucket {@code forge} for end-to-end test classes ({@code @RegisterExtension}): one
 * per test JVM, started before the first class that needs it (after dist/forge is built) and shared by
 * the classes after it, which keep to prefixes of their own; stopped and its folder removed when the JVM
 * exits. (One per class cost a JVM start of a few seconds per class.)
 */
final class S3ProxyExtension implements BeforeAllCallback {
    /** The environment a forge process needs to sign its requests to it. */
    static final Map<String, String> CREDS = Map.of(
            "FORGE_S3_ACCESS_KEY_ID", S3ProxyServer.IDENTITY, "FORGE_S3_SECRET_ACCESS_KEY", S3ProxyServer.SECRET);

    private static S3ProxyServer shared;
    private static Path root;

    /** {@code name}: which class registered it (the shared server's folder has a name of its own). */
    S3ProxyExtension(String name) {}

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ForgeProcess.forge();
        start();
    }

    private static synchronized void start() throws Exception {
        if (shared != null) return;
        root = Files.createTempDirectory("forge-it-s3proxy");
        shared = S3ProxyServer.start(root);
        shared.createBucket("forge");
        Runtime.getRuntime().addShutdownHook(new Thread(S3ProxyExtension::stop, "s3proxy-stop"));
    }

    private static synchronized void stop() {
        if (shared != null) shared.close();
        // The bucket's files (a few hundred MB after the larger classes): each run left them in /tmp.
        try {
            E2eFiles.deleteTree(root);
        } catch (RuntimeException e) {
            System.err.println("cannot remove " + root + ": " + e);
        }
    }

    synchronized S3ProxyServer server() {
        return shared;
    }
}
