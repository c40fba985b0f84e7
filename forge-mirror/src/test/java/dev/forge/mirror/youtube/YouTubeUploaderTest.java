package dev.forge.mirror.youtube;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.core.error.KeyException;
import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.mirror.auth.OAuthRefresh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resumable upload protocol against FakeYouTube: a drop and its resume, 5xx/429, an expired token, quota. */
class YouTubeUploaderTest {
    @TempDir
    Path tmp;

    FakeYouTube yt;
    final List<Duration> waits = new ArrayList<>();
    byte[] bytes;
    Path file;

    @BeforeEach
    void start() throws Exception {
        yt = FakeYouTube.start("tok", "refresh-1");
        bytes = new byte[300_000];
        new Random(7).nextBytes(bytes);
        file = tmp.resolve("v.mp4");
        Files.write(file, bytes);
    }

    @AfterEach
    void stop() {
        yt.close();
    }

    YouTubeUploader uploader(OAuthRefresh refresh) {
        return new YouTubeUploader(yt.api(), () -> Optional.of("tok"), refresh, 4, Duration.ofMillis(10), waits::add);
    }

    OAuthRefresh refresher() {
        return new OAuthRefresh("Google", HttpUrl.get(yt.api() + "/token"), "refresh-1", "client", null);
    }

    static ObjectNode resource() {
        ObjectNode r = new ObjectMapper().createObjectNode();
        r.putObject("snippet").put("title", "Forge mirror test #1");
        r.putObject("status").put("privacyStatus", "unlisted");
        return r;
    }

    @Test
    void uploadsInOneSessionAndReturnsTheVideoId() throws Exception {
        String id = uploader(null).upload(resource(), file);
        assertEquals(1, yt.videos().size());
        assertEquals(id, yt.videos().getFirst().id());
        assertArrayEquals(bytes, yt.videos().getFirst().bytes());
        assertEquals(
                "unlisted",
                yt.videos()
                        .getFirst()
                        .resource()
                        .path("status")
                        .path("privacyStatus")
                        .asText());
        assertEquals(
                List.of(
                        "POST /upload/youtube/v3/videos -> 200",
                        "PUT /upload/youtube/v3/videos [bytes 0-299999/300000] -> 201"),
                yt.log());
    }

    @Test
    void aDroppedConnectionIsResumedFromTheRangeTheSessionReports() throws Exception {
        yt.failNext(FakeYouTube.Fault.CUT_UPLOAD);
        String id = uploader(null).upload(resource(), file);
        assertArrayEquals(bytes, yt.videos().getFirst().bytes());
        assertEquals(id, yt.videos().getFirst().id());
        assertEquals(
                List.of(
                        "POST /upload/youtube/v3/videos -> 200",
                        "PUT /upload/youtube/v3/videos [bytes 0-299999/300000] -> dropped",
                        "PUT /upload/youtube/v3/videos [bytes */300000] -> 308",
                        "PUT /upload/youtube/v3/videos [bytes 150000-299999/300000] -> 201"),
                yt.log());
        assertEquals(List.of(Duration.ofMillis(10)), waits);
    }

    @Test
    void serverErrorsAndRateLimitsAreRetriedWithGrowingWaits() throws Exception {
        yt.failNext(FakeYouTube.Fault.ERROR_503, FakeYouTube.Fault.RATE_429, FakeYouTube.Fault.ERROR_503);
        uploader(null).upload(resource(), file);
        assertArrayEquals(bytes, yt.videos().getFirst().bytes());
        assertEquals(List.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40)), waits);
        assertEquals(
                List.of(
                        "POST /upload/youtube/v3/videos -> 503",
                        "POST /upload/youtube/v3/videos -> 429",
                        "POST /upload/youtube/v3/videos -> 503",
                        "POST /upload/youtube/v3/videos -> 200",
                        "PUT /upload/youtube/v3/videos [bytes 0-299999/300000] -> 201"),
                yt.log());
    }

    @Test
    void anExpiredTokenIsRefreshedOnceThroughTheTokenEndpoint() throws Exception {
        yt.failNext(FakeYouTube.Fault.ERROR_503, FakeYouTube.Fault.EXPIRE_TOKEN);
        uploader(refresher()).upload(resource(), file);
        assertArrayEquals(bytes, yt.videos().getFirst().bytes());
        assertTrue(yt.log().contains("POST /token -> 200"), yt.log()::toString);
        assertTrue(yt.token().startsWith("fresh-"));
    }

    @Test
    void anExpiredTokenWithoutARefreshTokenSaysToLogIn() {
        yt.failNext(FakeYouTube.Fault.EXPIRE_TOKEN);
        KeyException e = assertThrows(KeyException.class, () -> uploader(null).upload(resource(), file));
        assertTrue(e.getMessage().contains("forge auth login youtube"), e.getMessage());
        assertEquals(0, yt.videos().size());
    }

    @Test
    void anExpiredSessionStartsOverOnce() throws Exception {
        yt.failNext(FakeYouTube.Fault.ERROR_503, FakeYouTube.Fault.LOSE_SESSION);
        uploader(null).upload(resource(), file);
        assertArrayEquals(bytes, yt.videos().getFirst().bytes());
        assertEquals(
                List.of(
                        "POST /upload/youtube/v3/videos -> 503",
                        "POST /upload/youtube/v3/videos -> 200",
                        "PUT /upload/youtube/v3/videos [bytes 0-299999/300000] -> 404",
                        "POST /upload/youtube/v3/videos -> 200",
                        "PUT /upload/youtube/v3/videos [bytes 0-299999/300000] -> 201"),
                yt.log());
    }

    @Test
    void quotaExceededStopsWithoutRetrying() {
        yt.quotaAfter(0);
        YouTubeUploader.QuotaExceeded q = assertThrows(
                YouTubeUploader.QuotaExceeded.class, () -> uploader(null).upload(resource(), file));
        assertEquals("quotaExceeded", q.getMessage());
        assertEquals(List.of("POST /upload/youtube/v3/videos -> 403"), yt.log());
        assertEquals(List.of(), waits);
    }

    @Test
    void aServerThatKeepsFailingFailsRetryablyAfterTheTries() {
        yt.failNext(
                FakeYouTube.Fault.ERROR_503,
                FakeYouTube.Fault.ERROR_503,
                FakeYouTube.Fault.ERROR_503,
                FakeYouTube.Fault.ERROR_503);
        RemoteUnavailableException e = assertThrows(
                RemoteUnavailableException.class, () -> uploader(null).upload(resource(), file));
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
    }
}
