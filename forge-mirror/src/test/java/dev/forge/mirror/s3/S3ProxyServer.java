package dev.forge.mirror.s3;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3Proxy 4.0.0 as its own process on 127.0.0.1 (a free port), with signature checking on
 * ({@code aws-v2-or-v4}) and a filesystem blob store in a temporary folder. The jar is the one
 * maven-dependency-plugin copied to {@code target/s3proxy/} (or the local Maven repository's).
 * Credentials for the SDK's default chain are set as the {@code aws.*} system properties.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String IDENTITY = "forge-test";
    public static final String SECRET = "forge-test-secret";

    private final Process process;
    private final int port;
    private final Path dir;

    private S3ProxyServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    static Path jar() {
        Path local = Path.of("target/s3proxy/s3proxy.jar");
        if (Files.isRegularFile(local)) return local;
        Path m2 = Path.of(
                System.getProperty("user.home"),
                ".m2/repository/org/gaul/s3proxy/4.0.0/s3proxy-4.0.0-jar-with-dependencies.jar");
        if (Files.isRegularFile(m2)) return m2;
        throw new IllegalStateException(
                "S3Proxy jar not found: run the build (mvn -pl forge-mirror test) so that it is copied to target/s3proxy/");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public static S3ProxyServer start(Path dir) throws IOException, InterruptedException {
        int port = freePort();
        Path data = Files.createDirectories(dir.resolve("data"));
        Path props = dir.resolve("s3proxy.properties");
        Files.writeString(
                props,
                String.join(
                                "\n",
                                "s3proxy.endpoint=http://127.0.0.1:" + port,
                                "s3proxy.authorization=aws-v2-or-v4",
                                "s3proxy.identity=" + IDENTITY,
                                "s3proxy.credential=" + SECRET,
                                "jclouds.provider=filesystem",
                                "jclouds.filesystem.basedir=" + data)
                        + "\n");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(
                        javaBin,
                        "-Xmx512m",
                        "-jar",
                        jar().toAbsolutePath().toString(),
                        "--properties",
                        props.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("s3proxy.log").toFile())
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                s.shutdownOutput();
                break;
            } catch (IOException notYet) {
                if (!p.isAlive())
                    throw new IllegalStateException("S3Proxy exited: " + Files.readString(dir.resolve("s3proxy.log")));
                if (System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IllegalStateException("S3Proxy did not start within 60 s");
                }
                Thread.sleep(100);
            }
        }
        System.setProperty("aws.accessKeyId", IDENTITY);
        System.setProperty("aws.secretAccessKey", SECRET);
        return new S3ProxyServer(p, port, dir);
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** An SDK client for test setup (creating buckets, looking at keys). */
    public S3Client client() {
        return S3Client.builder()
                .endpointOverride(java.net.URI.create(endpoint()))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, SECRET)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    public void createBucket(String bucket) {
        try (S3Client c = client()) {
            c.createBucket(b -> b.bucket(bucket));
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS))
                process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
