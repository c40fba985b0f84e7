package dev.forge.cli.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An "S3 endpoint" on 127.0.0.1 that a remote command cannot finish against: {@link #silent()} accepts
 * every connection and then sleeps (never reads, never answers); {@link #busy(String)} answers every
 * request 503 SlowDown with the given Retry-After header and closes the connection.
 */
final class HostileServer implements AutoCloseable {
    private final ServerSocket server;
    private final String retryAfter;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private HostileServer(String retryAfter) throws IOException {
        this.retryAfter = retryAfter;
        this.server = new ServerSocket();
        server.setReceiveBufferSize(4096);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        Thread.ofPlatform().daemon().name("hostile-accept").start(this::acceptLoop);
    }

    static HostileServer silent() throws IOException {
        return new HostileServer(null);
    }

    static HostileServer busy(String retryAfter) throws IOException {
        return new HostileServer(retryAfter);
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** An s3:// URL for this server. */
    String url(String prefix) {
        return "s3://bucket/" + prefix + "?endpoint=" + endpoint() + "&path-style=true";
    }

    /** Connections (silent) or requests (busy) so far. */
    int requests() {
        return requests.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                requests.incrementAndGet();
                held.add(s);
                if (retryAfter != null)
                    Thread.ofPlatform().daemon().name("hostile-conn").start(() -> answer(s));
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void answer(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            for (int c; (c = in.read()) >= 0; ) {
                head.write(c);
                if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) break;
            }
            String h = head.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            if (!h.contains("100-continue")) {
                for (String line : h.split("\r\n"))
                    if (line.startsWith("content-length:"))
                        in.skipNBytes(Long.parseLong(line.substring(15).strip()));
            }
            byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
                            + "<Message>Please reduce your request rate.</Message></Error>")
                    .getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 503 Slow Down\r\nRetry-After: " + retryAfter
                            + "\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
                            + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } catch (IOException ignored) {
            // the client hung up
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : held) s.close();
    }
}
