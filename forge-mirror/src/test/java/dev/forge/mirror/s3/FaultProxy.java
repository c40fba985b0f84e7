package dev.forge.mirror.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP/1.1 proxy on 127.0.0.1 that sits between the S3 client and S3Proxy and misbehaves at
 * random (seeded): per request it may answer 500, 503 SlowDown, 429, or 400 IncompleteBody or
 * RequestTimeout (S3's answers to a cut or stalled upload) itself, cut the connection half way
 * through the request body, or let the request through and cut the response half way. It parses
 * only request framing (headers, Content-Length); responses are piped as bytes.
 */
public final class FaultProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int upstreamPort;
    private final Random random;
    private final double errorRate;
    private final double dropRate;
    private final AtomicInteger injected = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private volatile boolean closed;

    public FaultProxy(int upstreamPort, long seed, double errorRate, double dropRate) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.upstreamPort = upstreamPort;
        this.random = new Random(seed);
        this.errorRate = errorRate;
        this.dropRate = dropRate;
        Thread.ofPlatform().daemon().name("fault-proxy-accept").start(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /** Faults injected so far. */
    public int injected() {
        return injected.get();
    }

    public long requests() {
        return requests.get();
    }

    private double roll() {
        synchronized (random) {
            return random.nextDouble();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Thread.ofPlatform().daemon().name("fault-proxy-conn").start(() -> serve(client));
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private enum Fault {
        NONE,
        ERROR_500,
        ERROR_503,
        ERROR_429,
        /** 400 IncompleteBody: S3's answer to a body shorter than its Content-Length (a cut upload). */
        ERROR_400_INCOMPLETE,
        /** 400 RequestTimeout: S3's answer to a connection idle too long mid-request. */
        ERROR_400_TIMEOUT,
        DROP_REQUEST,
        DROP_RESPONSE
    }

    private Fault choose() {
        double r = roll();
        if (r < errorRate) {
            double k = roll();
            return k < 0.2
                    ? Fault.ERROR_500
                    : k < 0.4
                            ? Fault.ERROR_503
                            : k < 0.6
                                    ? Fault.ERROR_429
                                    : k < 0.8 ? Fault.ERROR_400_INCOMPLETE : Fault.ERROR_400_TIMEOUT;
        }
        if (r < errorRate + dropRate) return roll() < 0.5 ? Fault.DROP_REQUEST : Fault.DROP_RESPONSE;
        return Fault.NONE;
    }

    private void serve(Socket client) {
        try (client;
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            InputStream cin = client.getInputStream();
            OutputStream cout = client.getOutputStream();
            OutputStream uout = upstream.getOutputStream();
            ResponsePump pump = new ResponsePump(upstream.getInputStream(), cout, client, upstream);
            Thread.ofPlatform().daemon().name("fault-proxy-resp").start(pump);
            while (true) {
                byte[] head = readHead(cin);
                if (head == null) return;
                requests.incrementAndGet();
                String headers = new String(head, StandardCharsets.ISO_8859_1);
                long length = contentLength(headers);
                boolean expectContinue = headers.toLowerCase(Locale.ROOT).contains("expect: 100-continue");
                boolean chunked = headers.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked");
                Fault f = chunked ? Fault.NONE : choose();
                // S3 answers 400 IncompleteBody or RequestTimeout only to a request whose body fell short
                // or stalled; a request without a body (GET, HEAD, DELETE) gets a 500 instead. (A HEAD's
                // answer has no body, so a client could not even tell those 400s from a bad request.)
                if ((f == Fault.ERROR_400_INCOMPLETE || f == Fault.ERROR_400_TIMEOUT) && length <= 0)
                    f = Fault.ERROR_500;
                if (System.getenv("FORGE_FAULT_LOG") != null) {
                    synchronized (FaultProxy.class) {
                        java.nio.file.Files.writeString(
                                java.nio.file.Path.of(System.getenv("FORGE_FAULT_LOG")),
                                f + " " + headers.substring(0, headers.indexOf('\r')) + " len=" + length
                                        + (expectContinue ? " expect" : "") + "\n",
                                java.nio.file.StandardOpenOption.CREATE,
                                java.nio.file.StandardOpenOption.APPEND);
                    }
                }
                switch (f) {
                    case ERROR_500, ERROR_503, ERROR_429, ERROR_400_INCOMPLETE, ERROR_400_TIMEOUT -> {
                        injected.incrementAndGet();
                        if (!expectContinue) cin.skipNBytes(length);
                        int status = switch (f) {
                            case ERROR_500 -> 500;
                            case ERROR_503 -> 503;
                            case ERROR_429 -> 429;
                            default -> 400;
                        };
                        String code = switch (f) {
                            case ERROR_500 -> "InternalError";
                            case ERROR_503 -> "SlowDown";
                            case ERROR_429 -> "TooManyRequests";
                            case ERROR_400_INCOMPLETE -> "IncompleteBody";
                            default -> "RequestTimeout";
                        };
                        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code
                                + "</Code><Message>injected</Message></Error>";
                        String resp =
                                "HTTP/1.1 " + status + " Injected\r\nContent-Type: application/xml\r\nContent-Length: "
                                        + body.length() + "\r\nConnection: close\r\n\r\n" + body;
                        synchronized (cout) {
                            cout.write(resp.getBytes(StandardCharsets.ISO_8859_1));
                            cout.flush();
                        }
                        return;
                    }
                    case DROP_REQUEST -> {
                        injected.incrementAndGet();
                        // The client must see a cut connection, never the answer the server may
                        // give to the half request (S3Proxy answers a short body 400 at once).
                        pump.cutAfter(0);
                        uout.write(head);
                        if (!expectContinue && length > 0)
                            uout.write(cin.readNBytes((int) Math.min(length / 2, 1 << 20)));
                        return;
                    }
                    case DROP_RESPONSE -> {
                        injected.incrementAndGet();
                        pump.cutAfter(1 + (long) (roll() * 600));
                    }
                    case NONE -> {}
                }
                uout.write(head);
                if (chunked) {
                    cin.transferTo(uout);
                    return;
                }
                copy(cin, uout, length);
                uout.flush();
            }
        } catch (IOException e) {
            // a connection we cut, or the client gave up: both are the point of this proxy
        }
    }

    private static void copy(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[64 << 10];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) throw new IOException("client closed mid-body");
            out.write(buf, 0, r);
            n -= r;
        }
    }

    private static long contentLength(String headers) {
        for (String line : headers.split("\r\n")) {
            int c = line.indexOf(':');
            if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase("content-length"))
                return Long.parseLong(line.substring(c + 1).trim());
        }
        return 0;
    }

    /** The request line and headers up to and including the blank line; null at end of stream. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) return null;
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2))
                    ? state + 1
                    : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : (c == '\r' ? 1 : 0);
        }
        return b.toByteArray();
    }

    /** Copies responses to the client; can be told to cut the connection after some more bytes. */
    private static final class ResponsePump implements Runnable {
        private final InputStream in;
        private final OutputStream out;
        private final Socket client;
        private final Socket upstream;
        private volatile long cutAfter = -1;

        ResponsePump(InputStream in, OutputStream out, Socket client, Socket upstream) {
            this.in = in;
            this.out = out;
            this.client = client;
            this.upstream = upstream;
        }

        void cutAfter(long bytes) {
            cutAfter = bytes;
        }

        @Override
        public void run() {
            byte[] buf = new byte[64 << 10];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    long cut = cutAfter;
                    if (cut >= 0 && n >= cut) {
                        synchronized (out) {
                            out.write(buf, 0, (int) cut);
                            out.flush();
                        }
                        client.close();
                        upstream.close();
                        return;
                    }
                    if (cut >= 0) cutAfter = cut - n;
                    synchronized (out) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                }
                client.close();
            } catch (IOException e) {
                // closed by the other side or by a cut
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
