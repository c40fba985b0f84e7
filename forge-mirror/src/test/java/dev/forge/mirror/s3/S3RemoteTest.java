package dev.forge.mirror.s3;

import dev.forge.mirror.RemoteProtocolContract;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The push/fetch/pull/clone protocol against S3Proxy. */
class S3RemoteTest extends RemoteProtocolContract {
    static S3ProxyServer server;
    static final AtomicInteger N = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.start(Files.createTempDirectory("forge-s3proxy"));
        server.createBucket("forge");
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Override
    protected String newRemoteUrl() {
        return "s3://forge/repo-" + N.incrementAndGet() + "?endpoint=" + server.endpoint() + "&path-style=true";
    }
}
