package dev.forge.cli.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.cli.Main;
import dev.forge.cli.options.CommonOptions;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web view's server against a real repository and real HTTP: token, escaping, traversal, cache. */
class WebServerTest {
    static final String HOSTILE = "<img src=x onerror=alert(1)>.png";

    @TempDir
    static Path repo;

    static WebServer server;
    static HttpClient http;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("java.awt.headless", "true");
        forge("init");
        Files.write(repo.resolve("img.png"), png(null));
        Files.write(repo.resolve(HOSTILE), png(null));
        Files.write(
                repo.resolve("broken.png"), "not a picture at all".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.writeString(repo.resolve("notes.txt"), "keep\n<b>old</b>\n");
        forge("add", ".");
        forge("commit", "-m", "first <script>alert(2)</script>");
        Files.write(repo.resolve("img.png"), png(new java.awt.Rectangle(10, 20, 5, 4)));
        Files.writeString(repo.resolve("notes.txt"), "keep\n<i>new</i>\n");
        forge("add", ".");
        forge("commit", "-m", "second");
        server = new WebServer(new InetSocketAddress("127.0.0.1", 0), CommonOptions.STORES, repo, 2, null);
        http = HttpClient.newHttpClient();
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (http != null) http.close();
    }

    static void forge(String... args) {
        List<String> all = new ArrayList<>(List.of("-C", repo.toString(), "-q"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, "forge " + all + ": " + out + err);
    }

    /** A 64 x 48 red picture, with {@code blue} filled blue. */
    static byte[] png(java.awt.Rectangle blue) throws Exception {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 64, 48);
        if (blue != null) {
            g.setColor(Color.BLUE);
            g.fill(blue);
        }
        g.dispose();
        return Previews.png(img);
    }

    static HttpResponse<byte[]> get(String pathAndQuery, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery));
        if (cookie != null) b.header("Cookie", WebServer.COOKIE + "=" + cookie);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static String page(String pathAndQuery) throws Exception {
        HttpResponse<byte[]> r = get(pathAndQuery, server.token());
        assertEquals(
                200,
                r.statusCode(),
                pathAndQuery + ": " + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
        return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    static List<String> links(String html, String prefix) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?:href|src)=\"(" + Pattern.quote(prefix) + "[^\"]*)\"")
                .matcher(html);
        while (m.find()) out.add(m.group(1).replace("&amp;", "&"));
        return out;
    }

    @Test
    void everyRequestWithoutTheTokenIsRefused() throws Exception {
        for (String p : List.of("/", "/log", "/static/style.css", "/tree", "/thumb?id=00&c=00&p=img.png")) {
            assertEquals(403, get(p, null).statusCode(), p);
            assertEquals(403, get(p, "wrong-token").statusCode(), p);
            assertEquals(
                    403,
                    get(p + (p.contains("?") ? "&" : "?") + "token=wrong", null).statusCode(),
                    p);
        }
        HttpResponse<byte[]> r = get("/?token=" + server.token(), null);
        assertEquals(303, r.statusCode());
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.contains(WebServer.COOKIE + "=" + server.token()), cookie);
        assertTrue(cookie.contains("HttpOnly"), cookie);
        assertTrue(cookie.contains("SameSite=Strict"), cookie);
        assertEquals("/log", r.headers().firstValue("Location").orElseThrow(), "the token leaves the address");
        assertEquals(200, get("/log", server.token()).statusCode());
    }

    @Test
    void onlyGetAndHead() throws Exception {
        HttpResponse<byte[]> post = http.send(
                HttpRequest.newBuilder(URI.create(base + "/log"))
                        .header("Cookie", WebServer.COOKIE + "=" + server.token())
                        .POST(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(405, post.statusCode());
        HttpResponse<byte[]> head = http.send(
                HttpRequest.newBuilder(URI.create(base + "/log"))
                        .header("Cookie", WebServer.COOKIE + "=" + server.token())
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
    }

    @Test
    void namesAndMessagesAreEscaped() throws Exception {
        String log = page("/log");
        assertTrue(log.contains("first &lt;script&gt;alert(2)&lt;/script&gt;"), log);
        assertFalse(log.contains("<script>alert"), log);
        String tree = page("/tree");
        assertTrue(tree.contains("&lt;img src=x onerror=alert(1)&gt;.png"), tree);
        assertFalse(tree.contains("<img src=x"), tree);
        assertTrue(get("/log", server.token())
                .headers()
                .firstValue("Content-Security-Policy")
                .orElseThrow()
                .contains("script-src 'self'"));
        // The hostile file's own pages work and stay escaped.
        String history = page("/file?p=" + Html.q(HOSTILE));
        assertTrue(history.contains("History of &lt;img src=x onerror=alert(1)&gt;.png"), history);
    }

    @Test
    void aTextFileGetsItsUnifiedDiffEscaped() throws Exception {
        String html = page("/diff?a=HEAD~1&b=HEAD&p=notes.txt");
        assertTrue(html.contains("<span class=\"del\">-&lt;b&gt;old&lt;/b&gt;</span>"), html);
        assertTrue(html.contains("<span class=\"add\">+&lt;i&gt;new&lt;/i&gt;</span>"), html);
    }

    @Test
    void pathTraversalIsRefused() throws Exception {
        for (String p : List.of(
                "/tree?p=..",
                "/tree?p=../..",
                "/tree?p=a/../img.png",
                "/tree?p=%2e%2e%2fetc",
                "/file?p=../../etc/passwd",
                "/file?p=.forge/config",
                "/diff?a=HEAD~1&b=HEAD&p=../img.png")) {
            assertEquals(400, get(p, server.token()).statusCode(), p);
        }
        for (String p : List.of("/static/../../pom.xml", "/static/%2e%2e/WebServer.class", "/static/Html.class")) {
            assertEquals(404, get(p, server.token()).statusCode(), p);
        }
        String tree = page("/tree");
        String thumb = links(tree, "/thumb?").get(0);
        String evil = thumb.replaceAll("p=[^&]*", "p=" + Html.q("../../../etc/passwd"));
        assertEquals(400, get(evil, server.token()).statusCode(), evil);
    }

    @Test
    void aPictureIsMadeOnceAndCachedByContent() throws Exception {
        String commit = page("/commit/HEAD");
        List<String> thumbs = links(commit, "/thumb?");
        assertEquals(2, thumbs.size(), commit);
        int before = server.picturesMade();
        String url = thumbs.get(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
            List<Future<HttpResponse<byte[]>>> all = new ArrayList<>();
            for (int i = 0; i < 6; i++)
                all.add(pool.submit((Callable<HttpResponse<byte[]>>) () -> get(url, server.token())));
            for (Future<HttpResponse<byte[]>> f : all) {
                assertEquals(200, f.get().statusCode());
                assertEquals(
                        "image/png",
                        f.get().headers().firstValue("Content-Type").orElseThrow());
            }
        }
        assertEquals(before + 1, server.picturesMade(), "six requests at once, one picture drawn");
        get(url, server.token());
        assertEquals(before + 1, server.picturesMade(), "the second time it comes from the cache");
        String id = url.replaceAll(".*id=([0-9a-f]+).*", "$1");
        assertTrue(Files.isRegularFile(repo.resolve(".forge/web-cache/thumb-" + id + ".png")));
        try (var s = Files.list(repo.resolve(".forge/web-cache/tmp"))) {
            assertEquals(0, s.count(), "no temporary file left");
        }
    }

    @Test
    void anUnreadableFileGetsAPlaceholderNotAnError() throws Exception {
        String tree = page("/tree");
        String url = links(tree, "/thumb?").stream()
                .filter(u -> u.contains("p=broken.png"))
                .findFirst()
                .orElseThrow();
        HttpResponse<byte[]> r = get(url, server.token());
        assertEquals(200, r.statusCode());
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertEquals(160, img.getWidth());
    }

    @Test
    void theDifferenceImageMarksExactlyTheChangedPixels() throws Exception {
        String commit = page("/commit/HEAD");
        String diff = links(commit, "/diff?").get(0);
        String html = page(diff);
        assertTrue(html.contains("Changed pixels"), html);
        String url = links(html, "/imgdiff?").get(0);
        BufferedImage img =
                ImageIO.read(new ByteArrayInputStream(get(url, server.token()).body()));
        assertEquals(64, img.getWidth());
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                boolean changed = x >= 10 && x < 15 && y >= 20 && y < 24;
                assertEquals(changed ? ImageDiff.CHANGED : 0, img.getRGB(x, y), x + "," + y);
            }
        }
    }

    @Test
    void theRemotesPageShowsMirrorsAndOneRemotesLocksEscaped() throws Exception {
        Path remote = Files.createTempDirectory("forge-web-remote");
        Path mirror = Files.createTempDirectory("forge-web-mirror");
        try {
            forge("config", "user.name", "Ana Lima");
            forge("config", "user.email", "ana@studio.example");
            forge("remote", "add", "origin", remote.toString());
            forge("mirror", "add", "footage", mirror.toString(), "--only", "video");
            forge("push");
            forge("lock", "notes.txt", "-m", "<b>repainting</b>");
            String list = page("/remotes");
            assertTrue(list.contains("mirror of origin, takes video"), list);
            assertTrue(links(list, "/remotes?look=").contains("/remotes?look=origin"), list);
            String look = page("/remotes?look=origin");
            assertTrue(look.contains("notes.txt") && look.contains("Ana Lima"), look);
            assertTrue(look.contains("&lt;b&gt;repainting&lt;/b&gt;") && !look.contains("<b>repainting"), look);
            String status = page("/remotes?look=footage");
            assertTrue(status.contains("Mirror status") && status.contains("main: up to date"), status);
        } finally {
            forge("unlock", "notes.txt");
            forge("mirror", "remove", "footage");
            forge("remote", "remove", "origin");
        }
    }
}
