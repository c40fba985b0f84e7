package dev.forge.mirror.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.RemoteUnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP side of {@code forge serve}: GET and HEAD of remote-format names, with single byte ranges,
 * {@code ETag}, an optional bearer token, and {@code /metrics}.
 *
 * <p>The server is the JDK's own ({@code com.sun.net.httpserver}, module jdk.httpserver) on virtual
 * threads: HTTP/1.1 with keep-alive, no dependency added to the single executable, and enough for a
 * LAN of render nodes reading large ranges (the cost is in the disk and the network, not in parsing
 * requests). It offers no HTTP/2: clients open a few connections each instead. The web view reuses
 * it. Only {@link ServeNames#servable} names are answered; a path is never joined to a folder, so
 * {@code ..} and encoded separators cannot reach a file outside the store.
 */
public final class BlobHttpServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ServedBlobs blobs;
    private final ServeMetrics metrics;
    private final byte[] token;
    private final Consumer<String> log;

    /**
     * Binds to {@code address} (port 0: any free port) and starts serving {@code blobs}. {@code token}
     * (null: none) is required from every client as {@code Authorization: Bearer}; {@code log}, when
     * not null, gets one line per request.
     */
    public BlobHttpServer(
            InetSocketAddress address, ServedBlobs blobs, ServeMetrics metrics, String token, Consumer<String> log) {
        this.blobs = blobs;
        this.metrics = metrics;
        this.token = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.log = log;
        try {
            server = HttpServer.create(address, 256);
        } catch (IOException e) {
            throw new RemoteUnavailableException(
                    "cannot listen on " + address.getHostString() + ":" + address.getPort() + ": " + e.getMessage(),
                    false,
                    e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) {
        int status = 500;
        long sent = 0;
        boolean fromDisk = false;
        String client = ex.getRemoteAddress().getAddress().getHostAddress();
        String path = ex.getRequestURI().getRawPath();
        try (ex) {
            String method = ex.getRequestMethod();
            boolean head = method.equals("HEAD");
            if (!head && !method.equals("GET")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                status = text(ex, 405, "only GET and HEAD\n", head);
                return;
            }
            if (!authorized(ex)) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                status = text(ex, 401, "a bearer token is required\n", head);
                return;
            }
            if (path.equals("/metrics")) {
                ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                status = text(ex, 200, metrics.text(), head);
                return;
            }
            String name = path.startsWith("/") ? path.substring(1) : path;
            // Names are plain ASCII: anything percent-encoded, or with a query, is not one.
            if (name.contains("%") || ex.getRequestURI().getRawQuery() != null || !ServeNames.servable(name)) {
                status = text(ex, 404, "not found\n", head);
                return;
            }
            Optional<Served> found;
            try {
                found = blobs.open(name);
            } catch (ForgeException e) {
                if (log != null) log.accept("upstream failure for " + name + ": " + e.getMessage());
                status = text(ex, 502, "upstream failed: " + e.getMessage() + "\n", head);
                return;
            }
            if (found.isEmpty()) {
                status = text(ex, 404, "not found\n", head);
                return;
            }
            Served s = found.get();
            fromDisk = s instanceof Served.File;
            var h = ex.getResponseHeaders();
            h.set("ETag", s.etag());
            h.set("Accept-Ranges", "bytes");
            h.set("Content-Type", "application/octet-stream");
            h.set("Cache-Control", s.immutable() ? "public, max-age=31536000, immutable" : "no-cache");
            long length = s.length();
            long from = 0;
            long to = length - 1;
            status = 200;
            String range = ex.getRequestHeaders().getFirst("Range");
            if (range != null && length > 0) {
                Matcher m = RANGE.matcher(range.strip());
                if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
                    if (m.group(1).isEmpty()) {
                        from = Math.max(0, length - Long.parseLong(m.group(2)));
                    } else {
                        from = Long.parseLong(m.group(1));
                        if (!m.group(2).isEmpty()) to = Math.min(to, Long.parseLong(m.group(2)));
                    }
                    if (from >= length || from > to) {
                        h.set("Content-Range", "bytes */" + length);
                        status = text(ex, 416, "range not satisfiable\n", head);
                        return;
                    }
                    status = 206;
                    h.set("Content-Range", "bytes " + from + "-" + to + "/" + length);
                }
                // Several ranges, or a unit other than bytes: the whole blob (RFC 9110 allows it).
            }
            long count = to - from + 1;
            if (head) {
                h.set("Content-Length", Long.toString(count));
                ex.sendResponseHeaders(status, -1);
                return;
            }
            if (s instanceof Served.Arriving a) {
                // A pack still arriving: wait for the start of the range before answering, so that a
                // pack that fails verification there is a clean 502, not a cut body.
                try {
                    a.arrival().await(from + Math.min(count, 1 << 20));
                } catch (IOException e) {
                    h.remove("Content-Range");
                    status = text(ex, 502, "upstream failed: " + e.getMessage() + "\n", false);
                    return;
                }
            }
            ex.sendResponseHeaders(status, count == 0 ? -1 : count);
            sent = send(ex.getResponseBody(), s, from, count);
        } catch (NoSuchFileException e) {
            // evicted between open and read: the client retries
            status = 503;
        } catch (IOException | RuntimeException e) {
            if (log != null) log.accept("request " + path + " failed: " + e);
        } finally {
            metrics.request(client, status);
            metrics.served(sent, fromDisk);
            if (log != null) log.accept(client + " " + ex.getRequestMethod() + " " + path + " " + status + " " + sent);
        }
    }

    private static long send(OutputStream out, Served s, long from, long count) throws IOException {
        switch (s) {
            case Served.Bytes b -> {
                out.write(b.data(), (int) from, (int) count);
                return count;
            }
            case Served.Arriving a -> {
                try (FileChannel in = FileChannel.open(a.path().get(), StandardOpenOption.READ)) {
                    WritableByteChannel target = Channels.newChannel(out);
                    long done = 0;
                    while (done < count) {
                        long want = Math.min(count - done, 1 << 20);
                        a.arrival().await(from + done + want);
                        long n = in.transferTo(from + done, want, target);
                        if (n <= 0) throw new IOException(a.path().get() + " is shorter than announced");
                        done += n;
                    }
                    return done;
                }
            }
            case Served.File f -> {
                try (FileChannel in = FileChannel.open(f.path(), StandardOpenOption.READ)) {
                    WritableByteChannel target = Channels.newChannel(out);
                    long done = 0;
                    while (done < count) {
                        long n = in.transferTo(from + done, count - done, target);
                        if (n <= 0) throw new IOException(f.path() + " is shorter than " + (from + count) + " bytes");
                        done += n;
                    }
                    return done;
                }
            }
        }
    }

    private boolean authorized(HttpExchange ex) {
        if (token == null) return true;
        String got = ex.getRequestHeaders().getFirst("Authorization");
        return got != null && MessageDigest.isEqual(token, got.getBytes(StandardCharsets.UTF_8));
    }

    private static int text(HttpExchange ex, int status, String body, boolean head) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        if (!ex.getResponseHeaders().containsKey("Content-Type"))
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        if (head) {
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
        }
        return status;
    }

    /** The URL clients use for this server, on {@code host}. */
    public URI url(String host) {
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /** Stops accepting, lets requests in progress finish for up to a second, then stops. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
