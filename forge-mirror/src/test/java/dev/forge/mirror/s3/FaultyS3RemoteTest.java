package dev.forge.mirror.s3;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.mirror.RemoteProtocolContract;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The same protocol tests through {@link FaultProxy}: about one request in eight is answered 500,
 * 503, 429 or 400 (IncompleteBody, RequestTimeout) by the proxy, or has its connection cut in the
 * request or the response. Everything must still complete with identical bytes (retries with
 * backoff, idempotent puts, re-read refs).
 */
class FaultyS3RemoteTest extends RemoteProtocolContract {
    static S3ProxyServer server;
    static FaultProxy proxy;
    static final AtomicInteger N = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.start(Files.createTempDirectory("forge-s3proxy"));
        server.createBucket("forge");
        proxy = new FaultProxy(server.port(), 42, 0.06, 0.06);
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
            assertTrue(
                    proxy.injected() > 10,
                    "the proxy injected only " + proxy.injected() + " faults in " + proxy.requests() + " requests");
        }
        if (server != null) server.close();
    }

    @Override
    protected String newRemoteUrl() {
        return "s3://forge/faulty-" + N.incrementAndGet() + "?endpoint=" + proxy.endpoint() + "&path-style=true";
    }
}
