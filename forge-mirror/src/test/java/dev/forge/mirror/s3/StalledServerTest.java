package dev.forge.mirror.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.RemoteUrls;
import dev.forge.mirror.blob.RetryListener;
import dev.forge.mirror.blob.RetryPolicy;
import dev.forge.mirror.blob.RetryingBlobStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The S3 store against servers that misbehave in time: one that accepts connections and never
 * answers (each attempt ends at the read timeout, the request is given up on after the policy's
 * timeout), one that never reads an upload (the whole-request deadline ends it), and one that answers
 * 503 with Retry-After (the wait is honoured and reported). The class timeout is the proof that
 * nothing hangs; no assertion is on time.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StalledServerTest {
    final List<RetryListener.Retry> heard = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void credentials() {
        // The SDK's default chain reads these; the servers here check no signature.
        if (System.getProperty("aws.accessKeyId") == null) System.setProperty("aws.accessKeyId", "test");
        if (System.getProperty("aws.secretAccessKey") == null) System.setProperty("aws.secretAccessKey", "test");
    }

    BlobStore open(MisbehavingServer server, RetryPolicy policy) {
        String url = "s3://b/x?endpoint=" + server.endpoint() + "&path-style=true";
        return new RetryingBlobStore(S3BlobStore.open(RemoteUrls.s3(url), 2, policy), policy, heard::add);
    }

    @Test
    void aServerThatNeverAnswersIsGivenUpOn() throws Exception {
        try (MisbehavingServer server = MisbehavingServer.silent();
                BlobStore s = open(server, RetryPolicy.of(Duration.ofSeconds(3), Duration.ofSeconds(120)))) {
            RemoteUnavailableException e = assertThrows(RemoteUnavailableException.class, () -> s.get("config"));
            assertFalse(e.retryable());
            assertTrue(e.getMessage().contains("no answer within 1.5 s"), e.getMessage());
            assertTrue(e.getMessage().contains("gave up after"), e.getMessage());
            assertFalse(heard.isEmpty(), "every retry is reported");
            assertTrue(heard.get(0).reason().contains("no answer"), heard::toString);
            assertEquals(heard.size() + 1, server.requests(), "one connection per attempt");
        }
    }

    @Test
    void anUploadTheServerNeverReadsEndsAtTheRequestDeadline() throws Exception {
        // 8 MiB at no less than 2 MiB/s: a deadline of 2 s + 4 s for the one attempt allowed.
        RetryPolicy policy = new RetryPolicy(
                1, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ZERO, 2 << 20);
        try (MisbehavingServer server = MisbehavingServer.silent();
                BlobStore s = open(server, policy)) {
            RemoteUnavailableException e =
                    assertThrows(RemoteUnavailableException.class, () -> s.put("packs/a.pack", new byte[8 << 20]));
            assertTrue(e.getMessage().contains("deadline") || e.getMessage().contains("no answer"), e.getMessage());
        }
    }

    @Test
    void aBusyServersRetryAfterIsHonouredAndReported() throws Exception {
        try (MisbehavingServer server = MisbehavingServer.answering(n -> n <= 2
                        ? MisbehavingServer.Answer.s3Error(503, "Slow Down", "SlowDown", "Retry-After: 1")
                        : MisbehavingServer.Answer.s3Error(404, "Not Found", "NoSuchKey"));
                BlobStore s = open(server, RetryPolicy.standard())) {
            assertEquals(Optional.empty(), s.get("config"));
            assertEquals(3, server.requests());
            assertEquals(2, heard.size(), heard::toString);
            for (RetryListener.Retry r : heard) {
                assertTrue(r.serverAsked(), heard::toString);
                assertEquals(Duration.ofSeconds(1), r.delay());
                assertTrue(r.reason().contains("503"), r.reason());
            }
        }
    }

    @Test
    void aBusyServerAskingForTooLongIsGivenUpOnAtOnce() throws Exception {
        try (MisbehavingServer server = MisbehavingServer.answering(
                        n -> MisbehavingServer.Answer.s3Error(503, "Slow Down", "SlowDown", "Retry-After: 3600"));
                BlobStore s = open(server, RetryPolicy.standard())) {
            RemoteUnavailableException e = assertThrows(RemoteUnavailableException.class, () -> s.get("config"));
            assertTrue(e.getMessage().contains(RetryPolicy.MAX_WAIT_SETTING), e.getMessage());
            assertEquals(1, server.requests());
            assertTrue(heard.isEmpty());
        }
    }

    @Test
    void aSlowAnswerThatKeepsMovingIsReadWholeWithinItsDeadline() throws Exception {
        // 20 bytes, one per 300 ms: 6 s, twice the 3 s timeout, but within 3 s + 20 bytes at 1 B/s.
        RetryPolicy policy = new RetryPolicy(
                1, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ZERO, 1);
        String body = "01234567890123456789";
        try (MisbehavingServer server = MisbehavingServer.answering(
                        n -> MisbehavingServer.Answer.trickling(body, Duration.ofMillis(300)));
                BlobStore s = open(server, policy)) {
            assertEquals(
                    body, new String(s.get("config").orElseThrow().data(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void aTrickleBeyondItsDeadlineIsCut() throws Exception {
        // 60 bytes, one per 300 ms (18 s), each read well within the 1 s read timeout; the deadline is
        // 3 s + 60 bytes at 10 B/s = 9 s.
        RetryPolicy policy = new RetryPolicy(
                1, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ZERO, 10);
        try (MisbehavingServer server = MisbehavingServer.answering(
                        n -> MisbehavingServer.Answer.trickling("x".repeat(60), Duration.ofMillis(300)));
                BlobStore s = open(server, policy)) {
            RemoteUnavailableException e = assertThrows(RemoteUnavailableException.class, () -> s.get("config"));
            assertTrue(e.getMessage().contains("no complete answer"), e.getMessage());
        }
    }
}
