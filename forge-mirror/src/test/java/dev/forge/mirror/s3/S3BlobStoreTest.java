package dev.forge.mirror.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /**
     * A multipart upload cut off after its first part (made here by hand, as a killed push leaves it) is
     * continued: the part that matches the file is kept, one that does not (other bytes) is sent again.
     */
    @Test
    void anInterruptedMultipartUploadIsContinuedFromItsListedParts(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        String url =
                "s3://contract/resume" + N.incrementAndGet() + "?endpoint=" + server.endpoint() + "&path-style=true";
        String key = "resume" + N.get() + "/packs/p.pack";
        BlobStore s = S3BlobStore.open(RemoteUrls.s3(url), 2, 5L << 20, 6L << 20);
        byte[] data = new byte[(5 << 20) * 2 + 12345];
        new java.util.Random(5).nextBytes(data);
        java.nio.file.Path file = tmp.resolve("p.pack");
        Files.write(file, data);
        try (var c = server.client()) {
            String id =
                    c.createMultipartUpload(b -> b.bucket("contract").key(key)).uploadId();
            c.uploadPart(
                    b -> b.bucket("contract").key(key).uploadId(id).partNumber(1),
                    software.amazon.awssdk.core.sync.RequestBody.fromBytes(java.util.Arrays.copyOf(data, 5 << 20)));
            byte[] wrong = new byte[5 << 20];
            c.uploadPart(
                    b -> b.bucket("contract").key(key).uploadId(id).partNumber(2),
                    software.amazon.awssdk.core.sync.RequestBody.fromBytes(wrong));
        }
        assertEquals(5L << 20, s.putResuming("packs/p.pack", file), "part 1 kept, part 2 (other bytes) sent again");
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                data, s.get("packs/p.pack").orElseThrow().data());
        try (var c = server.client()) {
            assertTrue(
                    c.listMultipartUploads(b -> b.bucket("contract").prefix(key))
                            .uploads()
                            .isEmpty(),
                    "the continued upload was completed");
        }
        // Nothing unfinished: a plain upload, nothing kept.
        assertEquals(0, s.putResuming("packs/p.pack", file));
    }

    /**
     * With the default sizes, a pack at its largest (cut at 32 MiB, plus one chunk of at most 16 MiB)
     * goes up as one PUT: its ETag is the MD5 of its bytes, not the "-N" of a multipart upload; a larger
     * blob goes as a multipart upload of 8 MiB parts.
     */
    @Test
    void packsAreSinglePutsWithTheDefaultSizesAndLargerBlobsMultipart(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        String prefix = "sizes" + N.incrementAndGet();
        BlobStore s = S3BlobStore.open(
                RemoteUrls.s3("s3://contract/" + prefix + "?endpoint=" + server.endpoint() + "&path-style=true"),
                2,
                RetryPolicy.standard());
        java.util.Random random = new java.util.Random(7);
        long threshold = S3BlobStore.DEFAULT_MULTIPART_THRESHOLD;
        assertEquals(48L << 20, threshold, "a pack at its largest: 32 MiB plus one chunk of 16 MiB");
        for (long size : new long[] {threshold, threshold + 1}) {
            byte[] data = new byte[(int) size];
            random.nextBytes(data);
            java.nio.file.Path file = tmp.resolve("p" + size + ".pack");
            Files.write(file, data);
            String name = "packs/p" + size + ".pack";
            assertEquals(0, s.putResuming(name, file));
            String etag;
            try (var c = server.client()) {
                etag = c.headObject(b -> b.bucket("contract").key(prefix + "/" + name))
                        .eTag()
                        .replace("\"", "");
            }
            String md5 = java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("MD5").digest(data));
            if (size <= threshold) {
                assertEquals(md5, etag, "one PUT: the ETag is the MD5 of the bytes");
            } else {
                assertTrue(etag.endsWith("-7"), "a multipart upload of seven 8 MiB parts: " + etag);
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(
                    data, s.get(name).orElseThrow().data());
        }
    }
}
