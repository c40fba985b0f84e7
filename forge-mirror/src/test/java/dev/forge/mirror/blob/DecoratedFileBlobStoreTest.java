package dev.forge.mirror.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The blob-store contract through the decorator stack a remote uses (retrying around metered around
 * the folder store): the decorators keep every guarantee. Plus what each decorator adds.
 */
class DecoratedFileBlobStoreTest extends BlobStoreContract {
    @Override
    protected BlobStore store() {
        return RetryingBlobStore.standard(new MeteredBlobStore(new FileBlobStore(tmp.resolve("remote"))));
    }

    /** Fails the first {@code failures} calls with a retryable or a permanent error. */
    private static final class Flaky extends ForwardingBlobStore {
        final AtomicInteger failures;
        final boolean retryable;

        Flaky(BlobStore inner, int failures, boolean retryable) {
            super(inner);
            this.failures = new AtomicInteger(failures);
            this.retryable = retryable;
        }

        @Override
        protected <T> T forward(java.util.function.Supplier<T> call) {
            if (failures.getAndDecrement() > 0) throw new RemoteUnavailableException("flaky", retryable);
            return call.get();
        }
    }

    @Test
    void retriesRetryableFailuresAndCountsEveryAttempt() {
        MeteredBlobStore meter = new MeteredBlobStore(new Flaky(new FileBlobStore(tmp.resolve("remote")), 2, true));
        BlobStore s = new RetryingBlobStore(meter, 3, Duration.ofMillis(1), Duration.ofMillis(2));
        byte[] data = "0123456789".getBytes(StandardCharsets.US_ASCII);
        s.put("packs/a.pack", data);
        assertEquals(3, meter.requests());
        assertEquals(10, meter.bytesSent(), "failed attempts sent nothing");
        assertArrayEquals("234".getBytes(StandardCharsets.US_ASCII), s.get("packs/a.pack", 2, 3));
        s.get("packs/a.pack");
        s.stat("packs/a.pack");
        s.list("packs/");
        assertEquals(7, meter.requests());
        assertEquals(13, meter.bytesReceived());
    }

    @Test
    void givesUpOnPermanentFailuresAtOnceAndOnRetryableOnesAfterTheAttempts() {
        MeteredBlobStore meter = new MeteredBlobStore(new Flaky(new FileBlobStore(tmp.resolve("remote")), 1, false));
        BlobStore s = new RetryingBlobStore(meter, 3, Duration.ofMillis(1), Duration.ofMillis(2));
        assertThrows(RemoteUnavailableException.class, () -> s.get("config"));
        assertEquals(1, meter.requests());

        MeteredBlobStore meter2 = new MeteredBlobStore(new Flaky(new FileBlobStore(tmp.resolve("remote")), 5, true));
        BlobStore s2 = new RetryingBlobStore(meter2, 3, Duration.ofMillis(1), Duration.ofMillis(2));
        assertThrows(RemoteUnavailableException.class, () -> s2.get("config"));
        assertEquals(3, meter2.requests());
    }
}
