package dev.forge.mirror.s3;

import dev.forge.mirror.FileLocksContract;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link dev.forge.mirror.FileLocks} on S3Proxy. */
class S3FileLocksTest extends FileLocksContract {
    static S3ProxyServer server;
    static final AtomicInteger N = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.start(Files.createTempDirectory("forge-s3proxy-locks"));
        server.createBucket("forge");
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Override
    protected String newRemoteUrl() {
        return "s3://forge/locks-" + N.incrementAndGet() + "?endpoint=" + server.endpoint() + "&path-style=true";
    }
}
