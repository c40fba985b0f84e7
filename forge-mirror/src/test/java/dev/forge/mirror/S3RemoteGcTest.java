package dev.forge.mirror;

import dev.forge.mirror.s3.S3ProxyServer;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link RemoteGcTest} against S3Proxy (a real S3 server on 127.0.0.1). */
class S3RemoteGcTest extends RemoteGcTest {
    static S3ProxyServer server;
    static final AtomicInteger N = new AtomicInteger();
    private String url;

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.start(Files.createTempDirectory("forge-s3proxy-gc"));
        server.createBucket("forge");
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Override
    protected String url() {
        if (url == null)
            url = "s3://forge/gc-" + N.incrementAndGet() + "?endpoint=" + server.endpoint() + "&path-style=true";
        return url;
    }
}
