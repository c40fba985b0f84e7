package dev.forge.mirror.http;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.SimpleFileServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A static web server over a folder, for tests of HTTP remotes: nginx, a real static host (Range,
 * ETag), run as a child process on 127.0.0.1 with its own config; or the JDK's simple file server,
 * which ignores Range (the case of a host that always sends the whole file).
 */
public final class StaticHttpServer implements AutoCloseable {
    /** Where Debian's nginx (package nginx-light, which .ci/run installs) is. */
    public static final Path NGINX = Path.of("/usr/sbin/nginx");

    private final Process nginx;
    private final HttpServer jdk;
    private final int port;
    private final Path accessLog;

    private StaticHttpServer(Process nginx, HttpServer jdk, int port, Path accessLog) {
        this.nginx = nginx;
        this.jdk = jdk;
        this.port = port;
        this.accessLog = accessLog;
    }

    /** nginx serving {@code root}; the test is skipped, saying why, where nginx is not installed. */
    public static StaticHttpServer nginx(Path root, Path work) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(NGINX), "nginx is not installed (apt-get install nginx-light)");
        int port = freePort();
        Files.createDirectories(work.resolve("tmp"));
        Path conf = work.resolve("nginx.conf");
        Path log = work.resolve("access.log");
        Files.writeString(
                conf,
                String.join(
                        "\n",
                        "daemon off;",
                        "master_process off;",
                        "worker_processes 1;",
                        "pid " + work.resolve("nginx.pid") + ";",
                        "error_log " + work.resolve("error.log") + ";",
                        "events { worker_connections 256; }",
                        "http {",
                        "  access_log " + log + ";",
                        "  client_body_temp_path " + work.resolve("tmp") + ";",
                        "  proxy_temp_path " + work.resolve("tmp") + ";",
                        "  fastcgi_temp_path " + work.resolve("tmp") + ";",
                        "  uwsgi_temp_path " + work.resolve("tmp") + ";",
                        "  scgi_temp_path " + work.resolve("tmp") + ";",
                        "  server { listen 127.0.0.1:" + port + "; root " + root + "; }",
                        "}",
                        ""),
                StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(NGINX.toString(), "-c", conf.toString(), "-p", work.toString())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("nginx.out").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                new Socket("127.0.0.1", port).close();
                break;
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IOException("nginx did not start: " + Files.readString(work.resolve("nginx.out")), e);
                }
                Thread.sleep(50);
            }
        }
        return new StaticHttpServer(p, null, port, log);
    }

    /** The JDK's simple file server over {@code root}: no Range support, no ETag. */
    public static StaticHttpServer jdk(Path root) {
        HttpServer s = SimpleFileServer.createFileServer(
                new InetSocketAddress("127.0.0.1", 0), root.toAbsolutePath(), SimpleFileServer.OutputLevel.NONE);
        s.start();
        return new StaticHttpServer(null, s, s.getAddress().getPort(), null);
    }

    /** The URL of {@code path} (without a leading slash) on this server. */
    public String url(String path) {
        return "http://127.0.0.1:" + port + "/" + path;
    }

    /** nginx's access log so far (one line per request), or "" for the JDK server. */
    public String accessLog() throws IOException {
        return accessLog == null || !Files.exists(accessLog) ? "" : Files.readString(accessLog);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (jdk != null) jdk.stop(0);
        if (nginx != null) {
            nginx.destroy();
            try {
                if (!nginx.waitFor(10, TimeUnit.SECONDS)) nginx.destroyForcibly();
            } catch (InterruptedException e) {
                nginx.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
