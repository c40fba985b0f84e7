package dev.forge.mirror;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Test-only hooks, read from the environment, for the end-to-end tests that kill transfers at given
 * points (ResumeIT, CrashIT). They are not settings: no user should set them, and docs/cli.md lists them
 * under "Test-only environment variables".
 *
 * <ul>
 *   <li>{@code FORGE_TEST_PAUSE_AT}: comma-separated points ({@code push.afterPack}, {@code
 *       push.insidePack} (the second pack a push builds is half written), {@code push.beforeRef}, {@code fetch.afterRead}, {@code fetch.beforeRef}); when the process reaches
 *       one it writes the point's name to {@code FORGE_TEST_PAUSE_FILE} and sleeps for good, so that
 *       the test kills it there with SIGKILL;
 *   <li>{@code FORGE_TEST_PACK_SIZE}: the size at which push cuts packs (bytes; default 32 MiB);
 *   <li>{@code FORGE_TEST_S3_PART_SIZE}: the S3 multipart part size and threshold (bytes), below S3's
 *       5 MiB minimum, which S3Proxy does not enforce.
 * </ul>
 */
public final class TestHooks {
    private static final Map<String, String> ENV = System.getenv();
    private static final Set<String> PAUSE_AT = Arrays.stream(
                    ENV.getOrDefault("FORGE_TEST_PAUSE_AT", "").split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet());

    private TestHooks() {}

    /** Pauses for good (to be killed) when {@code point} is one of {@code FORGE_TEST_PAUSE_AT}. */
    public static void reached(String point) {
        if (PAUSE_AT.isEmpty() || !PAUSE_AT.contains(point)) return;
        String file = ENV.get("FORGE_TEST_PAUSE_FILE");
        synchronized (TestHooks.class) {
            try {
                if (file != null) Files.writeString(Path.of(file), point + "\n");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            while (true) {
                try {
                    TestHooks.class.wait();
                } catch (InterruptedException e) {
                    // keep waiting: the test kills this process
                }
            }
        }
    }

    /** A size from a test-only variable, or {@code fallback}. */
    public static long size(String variable, long fallback) {
        String v = ENV.get(variable);
        if (v == null || v.isBlank()) return fallback;
        return Long.parseLong(v.strip());
    }
}
