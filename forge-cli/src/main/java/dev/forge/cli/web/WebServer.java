package dev.forge.cli.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.TreeEntry;
import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.repo.ObjectReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code forge web}: a read-only view of a repository's history in the browser, on the JDK's HTTP
 * server on virtual threads (the server {@code forge serve} uses, see BlobHttpServer).
 *
 * <p>Safety: only GET and HEAD are answered and no route changes the repository. Every request must
 * carry the random token, first in the URL printed at start (which sets it as an HttpOnly,
 * SameSite=Strict cookie and redirects to the same page without it, so it stays out of the address
 * bar and history) and then in that cookie; anything else gets 403, so another user of the machine,
 * or a web page in the same browser, cannot read the repository through the port. Paths from URLs
 * are only looked up in tree objects; the only files read from disk are the page resources (a fixed
 * list) and cache pictures named by hex content ids. Pages carry no inline script or style and the
 * Content-Security-Policy forbids them. The token is never logged.
 */
public final class WebServer implements AutoCloseable {
    static final String COOKIE = "forge_web_token";
    private static final String CSP = "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self';"
            + " form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    private static final Map<String, String> STATIC =
            Map.of("/static/style.css", "text/css; charset=utf-8", "/static/app.js", "text/javascript; charset=utf-8");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final String token;
    private final byte[] tokenBytes;
    private final RepoReader reader;
    private final Pages pages;
    private final Previews previews;

    /**
     * Serves the repository whose work tree is {@code root} on {@code address} (port 0: any free one).
     * Pictures are cached in {@code root/.forge/web-cache}; at most {@code workers} are drawn at once.
     */
    public WebServer(InetSocketAddress address, LocalStoreFactory stores, Path root, int workers, Path ffmpeg) {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        this.token = HexFormat.of().formatHex(random);
        this.tokenBytes = token.getBytes(StandardCharsets.US_ASCII);
        this.reader = new RepoReader(stores, root);
        // PNGs are encoded in memory; ImageIO's default would stage them in temporary files.
        javax.imageio.ImageIO.setUseCache(false);
        Ffmpeg f = ffmpeg == null ? Ffmpeg.fromPath() : new Ffmpeg(ffmpeg);
        this.pages = new Pages(reader, f);
        this.previews = new Previews(root.resolve(".forge").resolve("web-cache"), workers, f);
        previews.cleanTemp();
        try {
            server = HttpServer.create(address, 64);
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

    public int port() {
        return server.getAddress().getPort();
    }

    /** The token a URL must carry; for the start line only (never logged). */
    public String token() {
        return token;
    }

    /** Pictures drawn since start (for tests: the cache makes each once). */
    int picturesMade() {
        return previews.made();
    }

    boolean ffmpegAvailable() {
        return previews.ffmpeg().available();
    }

    /**
     * Stops at once: requests still running are interrupted (an ffmpeg they started is killed, see
     * Ffmpeg), and it waits a few seconds for them to end.
     */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Response(int status, String type, byte[] body, String cache, String location) {
        Response(int status, String type, byte[] body, String cache) {
            this(status, type, body, cache, null);
        }

        static Response html(int status, String html) {
            return new Response(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), "no-store");
        }

        static Response png(byte[] png) {
            return new Response(200, "image/png", png, "private, max-age=31536000, immutable");
        }
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            var h = ex.getResponseHeaders();
            h.set("Content-Security-Policy", CSP);
            h.set("X-Content-Type-Options", "nosniff");
            h.set("Referrer-Policy", "no-referrer");
            h.set("X-Frame-Options", "DENY");
            String method = ex.getRequestMethod();
            boolean head = method.equals("HEAD");
            if (!head && !method.equals("GET")) {
                h.set("Allow", "GET, HEAD");
                send(
                        ex,
                        head,
                        new Response(405, "text/plain; charset=utf-8", bytes("only GET and HEAD\n"), "no-store"));
                return;
            }
            Map<String, String> query;
            try {
                query = query(ex.getRequestURI().getRawQuery());
            } catch (InvalidInputException e) {
                send(ex, head, new Response(400, "text/plain; charset=utf-8", bytes("malformed query\n"), "no-store"));
                return;
            }
            String path = ex.getRequestURI().getPath();
            String given = query.get("token");
            if (given != null && same(given)) {
                // The token from the printed URL: keep it in a cookie and take it out of the address.
                h.set("Set-Cookie", COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict");
                StringBuilder rest = new StringBuilder();
                for (var e : query.entrySet()) {
                    if (e.getKey().equals("token")) continue;
                    rest.append(rest.isEmpty() ? "?" : "&")
                            .append(Html.q(e.getKey()))
                            .append('=')
                            .append(Html.q(e.getValue()));
                }
                h.set(
                        "Location",
                        (path.equals("/") ? "/log" : ex.getRequestURI().getRawPath()) + rest);
                send(ex, head, new Response(303, "text/plain; charset=utf-8", bytes("see other\n"), "no-store"));
                return;
            }
            if (!same(cookie(ex))) {
                send(
                        ex,
                        head,
                        Response.html(
                                403,
                                "<!doctype html><title>forbidden</title><p>forge web needs its"
                                        + " token: open the URL that <code>forge web</code> printed.</p>\n"));
                return;
            }
            send(ex, head, route(path, query));
        } catch (IOException e) {
            // the browser went away
        }
    }

    private Response route(String path, Map<String, String> q) {
        try {
            if (path.equals("/")) return redirect("/log");
            if (STATIC.containsKey(path)) return resource(path);
            if (path.equals("/log")) return Response.html(200, pages.log(q.get("rev"), number(q.get("skip"))));
            if (path.equals("/remotes")) return Response.html(200, pages.remotes(q.get("look")));
            if (path.startsWith("/commit/"))
                return Response.html(200, pages.commit(path.substring("/commit/".length()), number(q.get("skip"))));
            if (path.equals("/tree"))
                return Response.html(
                        200, pages.tree(q.get("c"), RepoReader.checkPath(q.get("p")), number(q.get("skip"))));
            if (path.equals("/file"))
                return Response.html(
                        200, pages.file(q.get("c"), RepoReader.checkPath(required(q, "p")), number(q.get("skip"))));
            if (path.equals("/diff"))
                return Response.html(
                        200, pages.diff(required(q, "a"), required(q, "b"), RepoReader.checkPath(required(q, "p"))));
            switch (path) {
                case "/thumb" -> {
                    return picture(q, 160, 120, s -> previews.thumbnail(s));
                }
                case "/preview" -> {
                    return picture(q, 400, 300, s -> previews.preview(s));
                }
                case "/wave" -> {
                    return picture(q, Previews.WAVE_WIDTH, Previews.WAVE_HEIGHT, s -> previews.waveform(s));
                }
                case "/strip" -> {
                    long[] t = times(q.get("t"));
                    return picture(q, Previews.FRAME_WIDTH * t.length, 108, s -> previews.strip(s, t));
                }
                case "/imgdiff" -> {
                    return imageDifference(q);
                }
                default -> {
                    return notFound("no page " + path);
                }
            }
        } catch (NotFoundException e) {
            return notFound(e.getMessage());
        } catch (InvalidInputException e) {
            return error(400, e.getMessage());
        } catch (IOException | RuntimeException e) {
            return error(500, e.getMessage());
        }
    }

    private interface Draw {
        byte[] draw(Previews.Source s);
    }

    /** A picture of one version: a placeholder (never an error page) when it cannot be drawn. */
    private Response picture(Map<String, String> q, int w, int h, Draw draw) {
        try {
            Previews.Source s = source(q.get("id"), q.get("c"), q.get("p"));
            return Response.png(draw.draw(s));
        } catch (InvalidInputException | NotFoundException e) {
            throw e; // a bad URL, not a bad file
        } catch (RuntimeException e) {
            return new Response(200, "image/png", Previews.placeholder(w, h), "no-store");
        }
    }

    private Response imageDifference(Map<String, String> q) {
        try {
            Previews.Source a = source(q.get("a"), q.get("ca"), q.get("p"));
            Previews.Source b = source(q.get("b"), q.get("cb"), q.get("p"));
            return Response.png(previews.difference(a, b));
        } catch (InvalidInputException | NotFoundException e) {
            throw e;
        } catch (RuntimeException e) {
            return new Response(200, "image/png", Previews.placeholder(400, 300), "no-store");
        }
    }

    /**
     * The version of path {@code p} in commit {@code c}, which must have content id {@code id}: the id
     * names the cache entry, so a cached picture needs no look-up, and the check keeps a URL from naming
     * bytes that are not at that path.
     */
    private Previews.Source source(String id, String c, String p) {
        if (id == null || !ObjectId.isHex(id) || id.length() != ObjectId.LENGTH * 2)
            throw new InvalidInputException("bad id");
        if (c == null || !ObjectId.isHex(c) || c.length() != ObjectId.LENGTH * 2)
            throw new InvalidInputException("bad commit");
        String path = RepoReader.checkPath(p);
        MediaKind kind = MediaKind.of(path);
        String lower = id.toLowerCase(java.util.Locale.ROOT);
        ObjectId commit = ObjectId.parse(c.toLowerCase(java.util.Locale.ROOT));
        Previews.Extract extract = (file, max) -> {
            String tooLarge = reader.read(repo -> {
                TreeEntry e = entry(repo.objects(), commit, path, lower);
                if (e.size() > max) return "too large to preview (" + e.size() + " bytes; the limit is " + max + ")";
                try (OutputStream out = Files.newOutputStream(file)) {
                    RepoReader.copy(repo.objects(), e, out);
                }
                return null;
            });
            if (tooLarge != null) throw new Previews.Unavailable(tooLarge);
        };
        return new Previews.Source(lower, kind, extract);
    }

    private static TreeEntry entry(ObjectReader o, ObjectId commit, String path, String id) {
        TreeEntry e = RepoReader.find(o, o.commit(commit).tree(), path);
        if (e == null
                || !e.kind().isFile()
                || e.kind() == FileKind.SYMLINK
                || !e.id().hex().equals(id)) throw new NotFoundException("no such version of " + path);
        return e;
    }

    private static long[] times(String t) {
        if (t == null || t.isEmpty()) throw new InvalidInputException("no times");
        String[] parts = t.split(",");
        if (parts.length > 24) throw new InvalidInputException("too many frames");
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw new InvalidInputException("bad time " + parts[i]);
            }
            if (out[i] < 0 || out[i] > 100L * 24 * 3600 * 1000) throw new InvalidInputException("bad time");
        }
        return out;
    }

    private static String required(Map<String, String> q, String name) {
        String v = q.get(name);
        if (v == null || v.isEmpty()) throw new InvalidInputException("missing parameter " + name);
        return v;
    }

    private static int number(String s) {
        if (s == null || s.isEmpty()) return 0;
        try {
            return Math.max(0, Integer.parseInt(s));
        } catch (NumberFormatException e) {
            throw new InvalidInputException("not a number: " + s);
        }
    }

    private Response resource(String path) throws IOException {
        try (InputStream in = WebServer.class.getResourceAsStream(path.substring("/static/".length()))) {
            if (in == null) return notFound("no resource " + path);
            return new Response(200, STATIC.get(path), in.readAllBytes(), "no-cache");
        }
    }

    private static Response redirect(String to) {
        return new Response(303, "text/plain; charset=utf-8", bytes("see " + to + "\n"), "no-store", to);
    }

    private static Response notFound(String why) {
        return error(404, why);
    }

    private static Response error(int status, String why) {
        Html h = new Html();
        h.raw("<h1>")
                .text(status == 404 ? "Not found" : status == 400 ? "Bad request" : "Error")
                .raw("</h1><p>")
                .text(why)
                .raw("</p><p><a href=\"/log\">Back to the history</a></p>");
        return Response.html(status, Html.page("Error", "forge", h));
    }

    private void send(HttpExchange ex, boolean head, Response r) throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", r.type());
        h.set("Cache-Control", r.cache());
        if (r.location() != null) h.set("Location", r.location());
        if (head) {
            h.set("Content-Length", Integer.toString(r.body().length));
            ex.sendResponseHeaders(r.status(), -1);
            return;
        }
        ex.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
        if (r.body().length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(r.body());
            }
        }
    }

    /** Compares in constant time. */
    private boolean same(String given) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), tokenBytes);
    }

    private static String cookie(HttpExchange ex) {
        for (String header : ex.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
            for (String part : header.split(";")) {
                String p = part.strip();
                if (p.startsWith(COOKIE + "=")) return p.substring(COOKIE.length() + 1);
            }
        }
        return null;
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) return out;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                out.putIfAbsent(
                        URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("malformed query");
            }
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
