package dev.forge.bench.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of the HTTP/3 evaluation harness (scripts/bench-http3 runs the real thing): a 3 MiB file served on
 * 127.0.0.1 and fetched as ranged GETs of 1 MiB over HTTP/1.1, HTTP/2 and HTTP/3; each fetch must hash to the
 * file's SHA-256, and a wrong expected hash must be reported as a mismatch.
 */
class HttpTransportBenchTest {
    @TempDir
    Path dir;

    @Test
    void fetchesTheSameBytesOverHttp1Http2AndHttp3() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(15).nextBytes(data);
        String sha =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-keystore",
                        keystore.toString(),
                        "-storetype",
                        "PKCS12",
                        "-storepass",
                        "testpass",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-alias",
                        "server",
                        "-dname",
                        "CN=forge-bench-test",
                        "-validity",
                        "1",
                        "-ext",
                        "san=ip:127.0.0.1")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("keytool.log").toFile())
                .start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, keytool.exitValue(), () -> read(dir.resolve("keytool.log")));

        try (HttpTransportBench.Server server =
                HttpTransportBench.start(data, keystore, "testpass", "127.0.0.1", 0, Map.of())) {
            for (String proto : new String[] {"h1", "h2", "h3"}) {
                Map<String, String> client = Map.of(
                        "proto",
                        proto,
                        "host",
                        "127.0.0.1",
                        "port",
                        Integer.toString(server.port()),
                        "size",
                        Integer.toString(data.length),
                        "range",
                        Integer.toString(1024 * 1024),
                        "parallel",
                        "2",
                        "sha256",
                        sha);
                assertEquals(0, HttpTransportBench.fetch(client), proto + " bytes differ from the file's");
            }
            Map<String, String> wrong = Map.of(
                    "proto", "h3",
                    "host", "127.0.0.1",
                    "port", Integer.toString(server.port()),
                    "size", Integer.toString(data.length),
                    "sha256", "00".repeat(32));
            assertEquals(5, HttpTransportBench.fetch(wrong));
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
