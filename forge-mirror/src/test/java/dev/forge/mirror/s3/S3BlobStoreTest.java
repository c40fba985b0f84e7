package dev.forge.mirror.s3;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.RemoteUrls;
import dev.forge.mirror.blob.BlobStoreContract;
import dev.forge.mirror.blob.RetryPolicy;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The blob-store contract against S3Proxy (signatures checked), with 5 MiB multipart parts. */
class S3BlobStoreTest extends BlobStoreContract {
    static S3ProxyServer server;
    static final AtomicInteger N = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.start(Files.createTempDirectory("forge-s3proxy"));
        server.createBucket("contract");
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Override
    protected BlobStore store() {
        String url = "s3://contract/t" + N.incrementAndGet() + "?endpoint=" + server.endpoint() + "&path-style=true";
        return S3BlobStore.open(RemoteUrls.s3(url), 4, 5L << 20, 6L << 20);
    }

    @Override
    protected boolean serverReplaceIsAtomic() {
        return false;
    }

    @Test
    void wrongCredentialsAreRefusedWithoutRetrying() {
        String saved = System.getProperty("aws.secretAccessKey");
        System.setProperty("aws.secretAccessKey", "wrong");
        try {
            BlobStore s = store();
            RemoteUnavailableException e = assertThrows(RemoteUnavailableException.class, () -> s.get("config"));
            assertTrue(!e.retryable() && e.getMessage().contains("access denied"), e.getMessage());
            assertTrue(!e.getMessage().contains("wrong"), "never print a secret");
        } finally {
            System.setProperty("aws.secretAccessKey", saved);
        }
    }

    @Test
    void aMissingBucketIsNamed() {
        String url = "s3://no-such-bucket/x?endpoint=" + server.endpoint() + "&path-style=true";
        BlobStore s = S3BlobStore.open(RemoteUrls.s3(url), 2, RetryPolicy.standard());
        RemoteUnavailableException e =
                assertThrows(RemoteUnavailableException.class, () -> s.put("config", new byte[1]));
        assertTrue(e.getMessage().contains("no-such-bucket"), e.getMessage());
    }

    @Test
    void anUnreachableEndpointIsRetryable() throws Exception {
        int port = S3ProxyServer.freePort();
        BlobStore s = S3BlobStore.open(
                RemoteUrls.s3("s3://b/x?endpoint=http://127.0.0.1:" + port + "&path-style=true"),
                2,
                RetryPolicy.standard());
        RemoteUnavailableException e = assertThrows(RemoteUnavailableException.class, () -> s.get("config"));
        assertTrue(e.retryable(), e.getMessage());
    }
}
