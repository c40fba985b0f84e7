package dev.forge.bench.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3Headers;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ClientConnectionHandler;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.http3.Http3ServerConnectionHandler;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.Dispatcher;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The HTTP/3 evaluation of issue 15: one file fetched as parallel ranged GETs of {@code --range} bytes (like
 * Forge's RangeReader: coalesced requests of up to 8 MiB, 16 in flight) over HTTP/1.1 and HTTP/2 (OkHttp, the
 * client Forge ships, over TLS with ALPN) and HTTP/3 (Netty QUIC, netty-codec-http3). One Netty server process
 * answers all three on the same port: TLS over TCP with ALPN (h2, http/1.1) and QUIC over UDP (h3).
 *
 * <p>A plain main(), not JMH: the client and the server run in different network namespaces (netem on a veth
 * pair between them, see scripts/bench-http3), each fetch is a multi-second single shot in a fresh JVM (as a
 * {@code forge fetch} is), and the script interleaves protocols and reads the server's CPU time between runs;
 * JMH's forked, in-process iteration model fits none of that.
 *
 * <pre>
 * server --file F --keystore K.p12 --password P [--port 8443] [--cc bbr|cubic|reno] [--udp-payload 1200]
 * client --proto h1|h2|h3 --host H [--port 8443] --size N --sha256 HEX [--range 8388608] [--parallel 16] [--cc ..]
 *        [--udp-payload ..]
 * </pre>
 *
 * The client prints one tab-separated line: proto, bytes, seconds, MB/s, client CPU seconds, connections (opened/used), "ok".
 * It exits non-zero when the received bytes do not hash to {@code --sha256}.
 */
public final class HttpTransportBench {
    private static final int CHUNK = 64 * 1024;
    private static final long MIB = 1024 * 1024;

    private HttpTransportBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) throw new IllegalArgumentException("usage: server|client --option value ...");
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        switch (args[0]) {
            case "server" -> serve(o);
            case "client" -> System.exit(fetch(o));
            default -> throw new IllegalArgumentException("server or client, not " + args[0]);
        }
    }

    static QuicCongestionControlAlgorithm cc(Map<String, String> o) {
        return QuicCongestionControlAlgorithm.valueOf(
                o.getOrDefault("cc", "bbr").toUpperCase(Locale.ROOT));
    }

    /** Largest UDP payload QUIC sends: 1200 (quiche's default, kept by Netty), or 1452 to fill a 1500-byte MTU as TCP does. */
    private static int udpPayload(Map<String, String> o) {
        return Integer.parseInt(o.getOrDefault("udp-payload", "1200"));
    }

    // ---------------------------------------------------------------- server

    private static void serve(Map<String, String> o) throws Exception {
        byte[] data = Files.readAllBytes(Path.of(o.get("file")));
        int port = Integer.parseInt(o.getOrDefault("port", "8443"));
        try (Server server = start(data, Path.of(o.get("keystore")), o.get("password"), "0.0.0.0", port, o)) {
            out().println("listening on tcp+udp port " + server.port() + ", " + data.length + " bytes, quic cc "
                    + cc(o));
            out().flush();
            Thread.currentThread().join();
        }
    }

    /** The server's bound port (the same for TCP and UDP) and its event loops, shut down by {@link #close()}. */
    record Server(int port, EventLoopGroup group) implements AutoCloseable {
        @Override
        public void close() {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Starts the server on {@code port} (0: a free one) for TCP and then the same port for UDP. */
    static Server start(byte[] data, Path keystore, String pass, String bind, int port, Map<String, String> o)
            throws Exception {
        char[] password = pass.toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        SslContext tls = SslContextBuilder.forServer(kmf)
                .sslProvider(SslProvider.JDK) // the JDK's TLS, as OkHttp on the client side uses
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2,
                        ApplicationProtocolNames.HTTP_1_1))
                .build();
        Channel tcp = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()), new Alpn(data));
                    }
                })
                .bind(new InetSocketAddress(bind, port))
                .sync()
                .channel();
        int bound = ((InetSocketAddress) tcp.localAddress()).getPort();

        QuicSslContext quicTls = QuicSslContextBuilder.forServer(kmf, pass)
                .applicationProtocols(Http3.supportedApplicationProtocols())
                .build();
        ChannelHandler quic = Http3.newQuicServerCodecBuilder()
                .sslContext(quicTls)
                .maxIdleTimeout(60, TimeUnit.SECONDS)
                .congestionControlAlgorithm(cc(o))
                .maxSendUdpPayloadSize(udpPayload(o))
                .initialMaxData(16 * MIB)
                .initialMaxStreamDataBidirectionalLocal(MIB)
                .initialMaxStreamDataBidirectionalRemote(MIB)
                .initialMaxStreamsBidirectional(256)
                .tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel ch) {
                        ch.pipeline()
                                .addLast(new Http3ServerConnectionHandler(new ChannelInitializer<QuicStreamChannel>() {
                                    @Override
                                    protected void initChannel(QuicStreamChannel stream) {
                                        stream.pipeline().addLast(new ChunkedWriteHandler(), new H3Server(data));
                                    }
                                }));
                    }
                })
                .build();
        new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 4 * (int) MIB)
                .option(ChannelOption.SO_SNDBUF, 4 * (int) MIB)
                .handler(quic)
                .bind(new InetSocketAddress(bind, bound))
                .sync();
        return new Server(bound, group);
    }

    /** {@code bytes=A-B} of the {@code Range} header, as {A, B + 1}; the whole file when absent. */
    private static long[] range(CharSequence header, int size) {
        if (header == null) return new long[] {0, size};
        String h = header.toString().trim();
        if (!h.startsWith("bytes=")) throw new IllegalArgumentException("bad range " + h);
        String[] ab = h.substring(6).split("-", 2);
        long a = Long.parseLong(ab[0]);
        long b = ab[1].isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(ab[1]));
        return new long[] {a, b + 1};
    }

    /** A slice of the served bytes as frames of {@link #CHUNK}, written as the channel's flow control allows. */
    private static final class Body<T> implements ChunkedInput<T> {
        private final byte[] data;
        private final long start;
        private final long end;
        private final BiFunction<ByteBuf, Boolean, T> frame;
        private long pos;

        Body(byte[] data, long[] range, BiFunction<ByteBuf, Boolean, T> frame) {
            this.data = data;
            this.start = range[0];
            this.end = range[1];
            this.pos = range[0];
            this.frame = frame;
        }

        @Override
        public boolean isEndOfInput() {
            return pos >= end;
        }

        @Override
        public void close() {}

        @Deprecated
        @Override
        public T readChunk(ChannelHandlerContext ctx) {
            return readChunk(ctx.alloc());
        }

        @Override
        public T readChunk(ByteBufAllocator allocator) {
            if (pos >= end) return null;
            int n = (int) Math.min(CHUNK, end - pos);
            ByteBuf b = Unpooled.wrappedBuffer(data, (int) pos, n);
            pos += n;
            return frame.apply(b, pos >= end);
        }

        @Override
        public long length() {
            return end - start;
        }

        @Override
        public long progress() {
            return pos - start;
        }
    }

    private static final class Alpn extends ApplicationProtocolNegotiationHandler {
        private final byte[] data;

        Alpn(byte[] data) {
            super(ApplicationProtocolNames.HTTP_1_1);
            this.data = data;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                ctx.pipeline()
                        .addLast(
                                Http2FrameCodecBuilder.forServer().build(),
                                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                    @Override
                                    protected void initChannel(Http2StreamChannel ch) {
                                        ch.pipeline().addLast(new ChunkedWriteHandler(), new H2Server(data));
                                    }
                                }));
            } else {
                ctx.pipeline().addLast(new HttpServerCodec(), new ChunkedWriteHandler(), new H1Server(data));
            }
        }
    }

    private static final class H1Server extends SimpleChannelInboundHandler<HttpObject> {
        private final byte[] data;

        H1Server(byte[] data) {
            this.data = data;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (!(msg instanceof HttpRequest request)) return;
            long[] r = range(request.headers().get(HttpHeaderNames.RANGE), data.length);
            DefaultHttpResponse response =
                    new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PARTIAL_CONTENT);
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, r[1] - r[0]);
            response.headers()
                    .set(HttpHeaderNames.CONTENT_RANGE, "bytes " + r[0] + "-" + (r[1] - 1) + "/" + data.length);
            ctx.write(response);
            ctx.writeAndFlush(new Body<HttpContent>(
                    data, r, (b, last) -> last ? new DefaultLastHttpContent(b) : new DefaultHttpContent(b)));
        }
    }

    private static final class H2Server extends SimpleChannelInboundHandler<Http2StreamFrame> {
        private final byte[] data;

        H2Server(byte[] data) {
            this.data = data;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame msg) {
            if (!(msg instanceof Http2HeadersFrame request)) return;
            long[] r = range(request.headers().get(HttpHeaderNames.RANGE), data.length);
            DefaultHttp2Headers headers = new DefaultHttp2Headers();
            headers.status("206");
            headers.setLong(HttpHeaderNames.CONTENT_LENGTH, r[1] - r[0]);
            headers.set(HttpHeaderNames.CONTENT_RANGE, "bytes " + r[0] + "-" + (r[1] - 1) + "/" + data.length);
            ctx.write(new DefaultHttp2HeadersFrame(headers));
            ctx.writeAndFlush(new Body<Http2DataFrame>(data, r, DefaultHttp2DataFrame::new));
        }
    }

    private static final class H3Server extends Http3RequestStreamInboundHandler {
        private final byte[] data;

        H3Server(byte[] data) {
            this.data = data;
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
            long[] r = range(frame.headers().get(HttpHeaderNames.RANGE), data.length);
            ReferenceCountUtil.release(frame);
            Http3Headers headers = new DefaultHttp3Headers();
            headers.status("206");
            headers.set(HttpHeaderNames.CONTENT_LENGTH, Long.toString(r[1] - r[0]));
            headers.set(HttpHeaderNames.CONTENT_RANGE, "bytes " + r[0] + "-" + (r[1] - 1) + "/" + data.length);
            ctx.write(new DefaultHttp3HeadersFrame(headers));
            ctx.writeAndFlush(new Body<Http3DataFrame>(data, r, (b, last) -> new DefaultHttp3DataFrame(b)))
                    .addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
            ReferenceCountUtil.release(frame);
        }

        @Override
        protected void channelInputClosed(ChannelHandlerContext ctx) {}
    }

    // ---------------------------------------------------------------- client

    /** Fetches as {@code o} says, prints the result line; 0 when the bytes hash to {@code sha256}, else 5. */
    static int fetch(Map<String, String> o) throws Exception {
        String proto = o.get("proto");
        String host = o.get("host");
        int port = Integer.parseInt(o.getOrDefault("port", "8443"));
        int size = Integer.parseInt(o.get("size"));
        int rangeSize = Integer.parseInt(o.getOrDefault("range", Long.toString(8 * MIB)));
        int parallel = Integer.parseInt(o.getOrDefault("parallel", "16"));
        List<long[]> ranges = new ArrayList<>();
        for (long a = 0; a < size; a += rangeSize) ranges.add(new long[] {a, Math.min(size, a + rangeSize)});
        byte[] target = new byte[size];
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        String connections = switch (proto) {
            case "h1", "h2" -> okhttp(proto, host, port, ranges, parallel, target);
            case "h3" -> http3(host, port, ranges, parallel, target, cc(o), udpPayload(o));
            default -> throw new IllegalArgumentException("proto h1|h2|h3, not " + proto);
        };
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (cpuNanos() - cpu0) / 1e9;
        String got =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(target));
        boolean ok = got.equalsIgnoreCase(o.get("sha256"));
        out().printf(
                        Locale.ROOT,
                        "%s\t%d\t%.3f\t%.1f\t%.2f\t%s\t%s%n",
                        proto,
                        size,
                        seconds,
                        size / 1e6 / seconds,
                        cpu,
                        connections,
                        ok ? "ok" : "HASH MISMATCH " + got);
        out().flush();
        return ok ? 0 : 5;
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static PrintStream out() {
        return new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
    }

    /** HTTP/1.1 or HTTP/2 over TLS with OkHttp, configured as Forge's HttpBlobStore configures it. */
    private static String okhttp(String proto, String host, int port, List<long[]> ranges, int parallel, byte[] target)
            throws Exception {
        X509TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[] {trustAll}, null);
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(parallel);
        dispatcher.setMaxRequestsPerHost(parallel);
        Protocol expected = proto.equals("h2") ? Protocol.HTTP_2 : Protocol.HTTP_1_1;
        AtomicInteger connects = new AtomicInteger(); // TCP connections opened
        Set<Connection> used = ConcurrentHashMap.newKeySet(); // ... and those that carried a request
        OkHttpClient client = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .eventListener(new EventListener() {
                    @Override
                    public void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
                        connects.incrementAndGet();
                    }

                    @Override
                    public void connectionAcquired(Call call, Connection connection) {
                        used.add(connection);
                    }
                })
                .sslSocketFactory(ssl.getSocketFactory(), trustAll)
                .hostnameVerifier((h, s) -> true)
                .protocols(
                        expected == Protocol.HTTP_2
                                ? List.of(Protocol.HTTP_2, Protocol.HTTP_1_1)
                                : List.of(Protocol.HTTP_1_1))
                .readTimeout(120, TimeUnit.SECONDS)
                .build();
        String url = "https://" + host + ":" + port + "/blob";
        try (ExecutorService workers = Executors.newFixedThreadPool(parallel)) {
            List<Future<Void>> done = new ArrayList<>();
            for (long[] r : ranges) {
                done.add(workers.submit(() -> {
                    Request request = new Request.Builder()
                            .url(url)
                            .header("Range", "bytes=" + r[0] + "-" + (r[1] - 1))
                            .build();
                    try (Response response = client.newCall(request).execute()) {
                        if (response.code() != 206) throw new IllegalStateException("HTTP " + response.code());
                        if (response.protocol() != expected)
                            throw new IllegalStateException("negotiated " + response.protocol());
                        int len = (int) (r[1] - r[0]);
                        try (InputStream in = response.body().byteStream()) {
                            if (in.readNBytes(target, (int) r[0], len) != len || in.read() != -1)
                                throw new IllegalStateException("short or long body for " + r[0]);
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> f : done) f.get();
        }
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
        return connects.get() + "/" + used.size();
    }

    /** HTTP/3 with Netty QUIC: one connection, one request stream per range, at most {@code parallel} open. */
    private static String http3(
            String host,
            int port,
            List<long[]> ranges,
            int parallel,
            byte[] target,
            QuicCongestionControlAlgorithm cc,
            int udpPayload)
            throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            QuicSslContext tls = QuicSslContextBuilder.forClient()
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .applicationProtocols(Http3.supportedApplicationProtocols())
                    .build();
            ChannelHandler codec = Http3.newQuicClientCodecBuilder()
                    .sslContext(tls)
                    .maxIdleTimeout(60, TimeUnit.SECONDS)
                    .congestionControlAlgorithm(cc)
                    .maxSendUdpPayloadSize(udpPayload)
                    // OkHttp's HTTP/2 windows: 16 MiB per stream and for the connection
                    .initialMaxData(16 * MIB)
                    .initialMaxStreamDataBidirectionalLocal(16 * MIB)
                    .build();
            Channel udp = new Bootstrap()
                    .group(group)
                    .channel(NioDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, 4 * (int) MIB)
                    .option(ChannelOption.SO_SNDBUF, 4 * (int) MIB)
                    .handler(codec)
                    .bind(0)
                    .sync()
                    .channel();
            QuicChannel quic = QuicChannel.newBootstrap(udp)
                    .handler(new Http3ClientConnectionHandler())
                    .remoteAddress(new InetSocketAddress(host, port))
                    .connect()
                    .get();
            Semaphore slots = new Semaphore(parallel);
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (long[] r : ranges) {
                slots.acquire();
                CompletableFuture<Void> f = new CompletableFuture<>();
                f.whenComplete((v, e) -> slots.release());
                done.add(f);
                QuicStreamChannel stream = Http3.newRequestStream(quic, new H3Client(target, r, f))
                        .sync()
                        .getNow();
                Http3Headers headers = new DefaultHttp3Headers();
                headers.method("GET").path("/blob").authority(host + ":" + port).scheme("https");
                headers.set(HttpHeaderNames.RANGE, "bytes=" + r[0] + "-" + (r[1] - 1));
                stream.writeAndFlush(new DefaultHttp3HeadersFrame(headers))
                        .addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            }
            for (CompletableFuture<Void> f : done) f.get(300, TimeUnit.SECONDS);
            quic.close().sync();
            udp.close().sync();
            return "1/1";
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static final class H3Client extends Http3RequestStreamInboundHandler {
        private final byte[] target;
        private final long end;
        private final CompletableFuture<Void> done;
        private int pos;
        private String status = "";

        H3Client(byte[] target, long[] range, CompletableFuture<Void> done) {
            this.target = target;
            this.pos = (int) range[0];
            this.end = range[1];
            this.done = done;
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
            CharSequence s = frame.headers().status();
            if (s != null) status = s.toString();
            ReferenceCountUtil.release(frame);
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
            ByteBuf content = frame.content();
            int n = content.readableBytes();
            if (pos + n > end) {
                done.completeExceptionally(new IllegalStateException("body longer than the range"));
            } else {
                content.readBytes(target, pos, n);
                pos += n;
            }
            ReferenceCountUtil.release(frame);
        }

        @Override
        protected void channelInputClosed(ChannelHandlerContext ctx) {
            if (!status.equals("206")) done.completeExceptionally(new IllegalStateException("HTTP " + status));
            else if (pos != end) done.completeExceptionally(new IllegalStateException("short body"));
            else done.complete(null);
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
            ctx.close();
        }
    }
}
