package dev.forge.mirror.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A server on 127.0.0.1 that is not a good S3: {@link #silent()} accepts connections and never reads
 * or answers (with a tiny receive buffer, so an upload stalls at once); {@link #answering} reads each
 * request's head (and its body, unless the client waits for 100-continue) and answers the n-th request
 * (1, 2, ...) with what the function gives, then closes the connection. forge-cli's end-to-end tests
 * use it too (through this module's test-jar).
 */
public final class MisbehavingServer implements AutoCloseable {
    /**
     * One canned answer: status line code, reason, extra header lines, body; {@code trickle} non-null
     * sends the body a byte at a time with that pause after each.
     */
    public record Answer(int status, String reason, List<String> headers, String body, Duration trickle) {
        public static Answer s3Error(int status, String reason, String code, String... headers) {
            return new Answer(
                    status,
                    reason,
                    List.of(headers),
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + reason
                            + "</Message></Error>",
                    null);
        }

        /** 200 with {@code body}, a byte every {@code every}. */
        public static Answer trickling(String body, Duration every) {
            return new Answer(200, "OK", List.of("ETag: \"0123\""), body, every);
        }
    }

    private final ServerSocket server;
    private final IntFunction<Answer> answers;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private MisbehavingServer(IntFunction<Answer> answers) throws IOException {
        this.answers = answers;
        this.server = new ServerSocket();
        server.setReceiveBufferSize(4096);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        Thread.ofPlatform().daemon().name("misbehaving-accept").start(this::acceptLoop);
    }

    public static MisbehavingServer silent() throws IOException {
        return new MisbehavingServer(null);
    }

    public static MisbehavingServer answering(IntFunction<Answer> answers) throws IOException {
        return new MisbehavingServer(answers);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Requests (or, when silent, connections) received so far. */
    public int requests() {
        return requests.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                held.add(s);
                if (answers == null) {
                    requests.incrementAndGet();
                } else {
                    Thread.ofPlatform().daemon().name("misbehaving-conn").start(() -> serve(s));
                }
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            String head = readHead(in);
            if (head == null) return;
            long length = 0;
            boolean expectContinue = false;
            for (String line : head.split("\r\n")) {
                String l = line.toLowerCase(Locale.ROOT);
                if (l.startsWith("content-length:"))
                    length = Long.parseLong(l.substring(15).strip());
                if (l.startsWith("expect:") && l.contains("100-continue")) expectContinue = true;
            }
            if (!expectContinue) in.skipNBytes(length);
            Answer a = answers.apply(requests.incrementAndGet());
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            StringBuilder h = new StringBuilder("HTTP/1.1 " + a.status() + " " + a.reason() + "\r\n");
            for (String x : a.headers()) h.append(x).append("\r\n");
            h.append("Content-Type: application/xml\r\nContent-Length: ")
                    .append(body.length)
                    .append("\r\nConnection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
            if (a.trickle() == null) {
                out.write(body);
            } else {
                for (byte b : body) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(a.trickle());
                }
            }
            out.flush();
        } catch (IOException ignored) {
            // the client hung up: fine
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int matched = 0;
        for (int c; (c = in.read()) >= 0; ) {
            b.write(c);
            matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1
                    : (c == '\r' ? 1 : 0);
            if (matched == 4) return b.toString(StandardCharsets.ISO_8859_1);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : held) s.close();
    }
}
