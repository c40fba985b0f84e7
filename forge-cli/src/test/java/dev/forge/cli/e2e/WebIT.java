package dev.forge.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * {@code forge web} through dist/forge in a real browser: Debian's headless Chromium driven by
 * ChromeDriver (packages {@code chromium} and {@code chromium-driver}). A repository with a PNG, a
 * WAV, an MP4 (made by ffmpeg) each changed between two commits, and a file with a hostile name:
 * history, commit and visual diff pages, pictures that loaded, the difference image's pixels, the
 * token and path traversal refused, and a screenshot in target/ for the record.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class WebIT {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String HOSTILE = "<img src=x onerror=alert(1)>.png";

    @BeforeAll
    static void built() {
        ForgeProcess.forge();
    }

    static boolean onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) return true;
        }
        return false;
    }

    static byte[] png(boolean changed) throws Exception {
        BufferedImage img = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(0x2a, 0x6f, 0xdb));
        g.fillRect(0, 0, 320, 240);
        g.setColor(Color.WHITE);
        g.fillOval(40, 40, 100, 100);
        if (changed) {
            g.setColor(Color.ORANGE);
            g.fillRect(200, 150, 60, 40);
        }
        g.dispose();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(img, "png", b);
        return b.toByteArray();
    }

    /** 2 s of 16-bit mono at 8 kHz: a sine, louder in the second version's second half. */
    static byte[] wav(boolean changed) {
        int frames = 16000;
        ByteBuffer b = ByteBuffer.allocate(44 + frames * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + frames * 2);
        b.put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16);
        b.putShort((short) 1)
                .putShort((short) 1)
                .putInt(8000)
                .putInt(16000)
                .putShort((short) 2)
                .putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(frames * 2);
        for (int i = 0; i < frames; i++) {
            double amp = changed && i >= frames / 2 ? 0.9 : 0.3;
            b.putShort((short) Math.round(Math.sin(i * 2 * Math.PI * 220 / 8000) * amp * 32767));
        }
        return b.array();
    }

    static void ffmpeg(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("ffmpeg", "-v", "error", "-nostdin", "-y"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "ffmpeg " + cmd);
    }

    /** Polls the page until every picture under {@code selector} finished loading; their naturalWidths. */
    @SuppressWarnings("unchecked")
    static List<Long> loadedWidths(ChromeDriver d, String selector) throws InterruptedException {
        String js = "const imgs=[...document.querySelectorAll(arguments[0])];"
                + "imgs.forEach(i=>{i.loading='eager'; i.scrollIntoView();});"
                + "if(!imgs.every(i=>i.complete)) return null; return imgs.map(i=>i.naturalWidth);";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            Object r = ((JavascriptExecutor) d).executeScript(js, selector);
            if (r != null) return (List<Long>) r;
            if (System.nanoTime() > deadline) throw new AssertionError("pictures " + selector + " did not load");
            Thread.sleep(200);
        }
    }

    /** {@code forge diff A B --visual}: the same pictures as a file, for scripts. */
    @Test
    void diffVisualWritesThePicture(@TempDir Path tmp) throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.write(repo.resolve("poster.png"), png(false));
        Files.write(repo.resolve("voice.wav"), wav(false));
        Files.writeString(repo.resolve("notes.txt"), "a\n");
        ForgeProcess.run(repo, "init").ok();
        ForgeProcess.run(repo, "add", ".").ok();
        ForgeProcess.run(repo, "commit", "-m", "v1").ok();
        Files.write(repo.resolve("poster.png"), png(true));
        Files.write(repo.resolve("voice.wav"), wav(true));
        Files.writeString(repo.resolve("notes.txt"), "b\n");
        ForgeProcess.run(repo, "add", ".").ok();
        ForgeProcess.run(repo, "commit", "-m", "v2").ok();

        ForgeProcess.Result r = ForgeProcess.run(
                        repo, "diff", "HEAD~1", "HEAD", "--visual", "out/poster-diff.png", "--json", "--", "poster.png")
                .ok();
        assertEquals("image", E2eFiles.JSON.readTree(r.stdout()).path("kind").asText(), r.describe());
        BufferedImage img = ImageIO.read(repo.resolve("out/poster-diff.png").toFile());
        // before | after | difference, 8 pixels apart; the difference is magenta where the badge is.
        assertEquals(3 * 320 + 2 * 8, img.getWidth());
        int x0 = 2 * 320 + 2 * 8;
        assertEquals(0xFFFF00FF, img.getRGB(x0 + 230, 170));
        assertNotEquals(0xFFFF00FF, img.getRGB(x0 + 100, 100));
        assertEquals(img.getRGB(100, 100), img.getRGB(320 + 8 + 100, 100), "before and after agree off the badge");
        assertNotEquals(img.getRGB(230, 170), img.getRGB(320 + 8 + 230, 170), "and differ on it");

        ForgeProcess.run(repo, "diff", "HEAD~1", "HEAD", "--visual", "wave.png", "--", "voice.wav")
                .ok();
        BufferedImage wave = ImageIO.read(repo.resolve("wave.png").toFile());
        assertEquals(1000, wave.getWidth());
        assertEquals(2 * 120 + 2 * 8 + 14, wave.getHeight(), "two waveforms and the bar of changed time");

        ForgeProcess.run(repo, "diff", "HEAD~1", "HEAD", "--visual", "x.png", "--", "notes.txt")
                .expect(2)
                .oneLineError();
        ForgeProcess.run(repo, "diff", "HEAD", "--visual", "x.png", "--", "poster.png")
                .expect(2)
                .oneLineError();
        assertFalse(Files.exists(repo.resolve("x.png")));
    }

    @Test
    void historyCommitAndVisualDiffInChromium(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs headless Chromium and ChromeDriver: the Debian packages 'chromium' and 'chromium-driver'");
        boolean video = onPath("ffmpeg");
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.write(repo.resolve("poster.png"), png(false));
        Files.write(repo.resolve("voice.wav"), wav(false));
        Files.write(repo.resolve(HOSTILE), png(false));
        if (video)
            ffmpeg(
                    repo,
                    "-f",
                    "lavfi",
                    "-i",
                    "testsrc=duration=4:size=320x240:rate=10",
                    "-pix_fmt",
                    "yuv420p",
                    "clip.mp4");
        ForgeProcess.run(repo, "init").ok();
        ForgeProcess.run(repo, "add", ".").ok();
        ForgeProcess.run(repo, "commit", "-m", "First cut <b>v1</b>").ok();
        Files.write(repo.resolve("poster.png"), png(true));
        Files.write(repo.resolve("voice.wav"), wav(true));
        if (video)
            ffmpeg(
                    repo,
                    "-f",
                    "lavfi",
                    "-i",
                    "testsrc=duration=4:size=320x240:rate=10",
                    "-vf",
                    "drawbox=x=0:y=0:w=120:h=120:color=red:t=fill:enable='gt(t,2.5)'",
                    "-pix_fmt",
                    "yuv420p",
                    "clip.mp4");
        ForgeProcess.run(repo, "add", ".").ok();
        ForgeProcess.run(repo, "commit", "-m", "Orange badge, louder ending").ok();

        ForgeProcess.Started web = ForgeProcess.start(repo, List.of("web", "--port", "0", "--no-open"));
        ChromeDriver driver = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!web.readStdout().contains("\n")) {
                if (!web.process().isAlive() || System.nanoTime() > deadline)
                    throw new AssertionError("forge web did not start: " + web.readStderr());
                Thread.sleep(100);
            }
            String url = web.readStdout().lines().findFirst().orElseThrow();
            assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/\\?token=[0-9a-f]{48}"), url);
            String base = url.substring(0, url.indexOf("/?token="));
            String token = url.substring(url.indexOf("token=") + 6);

            try (HttpClient http = HttpClient.newHttpClient()) {
                // Without the token: 403, for pages and pictures alike.
                for (String p : List.of("/", "/log", "/commit/HEAD", "/tree")) {
                    HttpResponse<String> r = http.send(
                            HttpRequest.newBuilder(URI.create(base + p)).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(403, r.statusCode(), p);
                }
                // ../ with the token: refused.
                for (String p : List.of("/tree?p=../", "/file?p=../../etc/passwd", "/tree?p=a%2F..%2F..")) {
                    HttpResponse<String> r = http.send(
                            HttpRequest.newBuilder(URI.create(base + p))
                                    .header("Cookie", "forge_web_token=" + token)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(400, r.statusCode(), p);
                }
            }

            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments(
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--window-size=1400,1800",
                    "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium-profile")));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort()
                    .build();
            driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(90));

            // History: the token URL sets the cookie and lands on /log without the token in the address.
            driver.get(url);
            assertEquals(base + "/log", driver.getCurrentUrl());
            String body = driver.findElement(By.tagName("body")).getText();
            assertTrue(body.contains("First cut <b>v1</b>"), body);
            assertTrue(body.contains("Orange badge, louder ending"), body);
            assertTrue(driver.findElements(By.tagName("b")).isEmpty(), "the message's markup is text, not an element");

            // The commit page: two different thumbnails of the changed picture, both loaded.
            driver.findElement(By.linkText("Orange badge, louder ending")).click();
            List<WebElement> posters = driver.findElements(By.cssSelector("li.change img.thumb[src*='p=poster.png']"));
            assertEquals(2, posters.size(), driver.getPageSource());
            assertNotEquals(posters.get(0).getDomProperty("src"), posters.get(1).getDomProperty("src"));
            for (long w : loadedWidths(driver, "img.thumb")) assertTrue(w > 0, "a thumbnail did not load");

            // The folder view: the hostile name is text, and no script ran from it.
            driver.get(base + "/tree");
            assertTrue(driver.findElement(By.tagName("body")).getText().contains(HOSTILE));
            assertTrue(driver.findElements(By.cssSelector("img[src='x']")).isEmpty(), "no element made from a name");
            loadedWidths(driver, "img.thumb");
            assertEquals(
                    Boolean.TRUE,
                    ((JavascriptExecutor) driver)
                            .executeScript(
                                    "return typeof window.alert === 'function' && !document.querySelector('[onerror]');"));

            // The image diff: side by side, slider, onion skin and the difference image, all loaded.
            driver.get(base + "/commit/HEAD");
            driver.findElement(By.cssSelector("li.change:has(img[src*='p=poster.png']) a[href^='/diff']"))
                    .click();
            for (long w : loadedWidths(driver, "main img")) assertTrue(w > 0, "a picture of the diff did not load");
            ((JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0)");
            Path shots = ForgeProcess.repoRoot().resolve("forge-cli/target");
            Files.createDirectories(shots);
            Files.write(
                    shots.resolve("web-image-diff.png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));

            // The difference image, fetched with the browser's cookie: magenta exactly where the badge is.
            String diffSrc = driver.findElement(By.cssSelector("img.diffimg")).getDomProperty("src");
            String cookie = driver.manage().getCookieNamed("forge_web_token").getValue();
            assertEquals(token, cookie);
            assertTrue(driver.manage().getCookieNamed("forge_web_token").isHttpOnly());
            BufferedImage diff;
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<byte[]> r = http.send(
                        HttpRequest.newBuilder(URI.create(diffSrc))
                                .header("Cookie", "forge_web_token=" + cookie)
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, r.statusCode());
                diff = ImageIO.read(new ByteArrayInputStream(r.body()));
            }
            assertEquals(320, diff.getWidth());
            for (int y = 0; y < 240; y += 3) {
                for (int x = 0; x < 320; x += 3) {
                    boolean badge = x >= 200 && x < 260 && y >= 150 && y < 190;
                    int a = diff.getRGB(x, y) >>> 24;
                    assertEquals(badge ? 255 : 0, a, "alpha of the difference at " + x + "," + y);
                }
            }

            // Audio: both waveforms drawn, and the changed span marked.
            driver.get(base + "/commit/HEAD");
            driver.findElement(By.cssSelector("li.change:has(img[src*='p=voice.wav']) a[href^='/diff']"))
                    .click();
            List<Long> waves = loadedWidths(driver, "img.wave");
            assertEquals(List.of(1000L, 1000L), waves);
            assertFalse(driver.findElements(By.cssSelector(".timeline .mark")).isEmpty(), "changed span marked");
            Files.write(
                    shots.resolve("web-audio-diff.png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));

            // Video: frame strips of both versions at the same times, and changed time ranges marked.
            driver.get(base + "/commit/HEAD");
            if (video) {
                driver.findElement(By.cssSelector("li.change:has(img[src*='p=clip.mp4']) a[href^='/diff']"))
                        .click();
                List<WebElement> strips = driver.findElements(By.cssSelector("img.strip"));
                assertEquals(2, strips.size());
                String t0 = strips.get(0).getDomProperty("src").replaceAll(".*&t=", "");
                assertEquals(t0, strips.get(1).getDomProperty("src").replaceAll(".*&t=", ""), "the same times");
                for (long w : loadedWidths(driver, "img.strip")) assertEquals(6 * 192, w);
                assertFalse(
                        driver.findElements(By.cssSelector(".timeline .mark")).isEmpty(), "changed time marked");
                Files.write(
                        shots.resolve("web-video-diff.png"),
                        ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            }
        } finally {
            if (driver != null) driver.quit();
            web.process().destroy();
            boolean ended = web.process().waitFor(20, TimeUnit.SECONDS);
            String err = web.readStderr();
            String out = web.readStdout();
            web.cleanup();
            assertTrue(ended, "forge web stops on SIGTERM");
            assertEquals(143, web.process().exitValue(), err);
            assertEquals(
                    1,
                    out.split(java.util.regex.Pattern.quote("token="), -1).length - 1,
                    "the token is printed once: " + out);
            assertFalse(err.contains("token="), "no token in the log");
        }
    }
}
