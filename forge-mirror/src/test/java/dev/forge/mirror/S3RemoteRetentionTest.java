package dev.forge.mirror;

import dev.forge.mirror.s3.S3ProxyServer;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link RemoteRetentionTest} against S3Proxy (a real S3 server on 127.0.0.1). */
class S3RemoteRetentionTest extends RemoteRetentionTest {
    static S3ProxyServer server;
    static final AtomicInteger N = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.start(Files.createTempDirectory("forge-s3proxy-retain"));
        server.createBucket("forge");
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Override
    protected String url(String name) {
        return "s3://forge/retain-" + N.incrementAndGet() + "-" + name + "?endpoint=" + server.endpoint()
                + "&path-style=true";
    }
}
