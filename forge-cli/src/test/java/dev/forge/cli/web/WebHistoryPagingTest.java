package dev.forge.cli.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.cli.Main;
import dev.forge.cli.options.CommonOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history in pages of 100, and a folder in pages of 500. */
class WebHistoryPagingTest {
    static void forge(Path repo, String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "-C";
        all[1] = repo.toString();
        all[2] = "-q";
        System.arraycopy(args, 0, all, 3, args.length);
        StringWriter out = new StringWriter();
        int code = Main.run(all, new PrintWriter(out, true), new PrintWriter(out, true));
        assertEquals(0, code, String.join(" ", all) + ": " + out);
    }

    static int rows(String html) {
        return (int)
                Pattern.compile("<td class=\"graph\">").matcher(html).results().count();
    }

    @Test
    void historyAndFoldersArePaged(@TempDir Path repo) throws Exception {
        forge(repo, "init");
        for (int i = 0; i < 520; i++) Files.writeString(repo.resolve("f" + i + ".txt"), "x" + i);
        forge(repo, "add", ".");
        forge(repo, "commit", "-m", "commit 0");
        for (int i = 1; i < 130; i++) forge(repo, "commit", "--allow-empty", "-m", "commit " + i);
        try (WebServer server =
                        new WebServer(new InetSocketAddress("127.0.0.1", 0), CommonOptions.STORES, repo, 2, null);
                HttpClient http = HttpClient.newHttpClient()) {
            String base = "http://127.0.0.1:" + server.port();
            java.util.function.Function<String, String> get = p -> {
                try {
                    HttpResponse<String> r = http.send(
                            HttpRequest.newBuilder(URI.create(base + p))
                                    .header("Cookie", WebServer.COOKIE + "=" + server.token())
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode(), p);
                    return r.body();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            String first = get.apply("/log");
            assertEquals(100, rows(first));
            assertTrue(first.contains(">commit 129<") && first.contains(">commit 30<"), first);
            assertTrue(first.contains("href=\"/log?skip=100\""), "a link to the next page");
            String third = get.apply("/log?skip=100");
            assertEquals(30, rows(third));
            assertTrue(third.contains(">commit 0<") && third.contains(">commit 29<"));
            assertFalse(third.contains("Older"), "the last page");
            assertTrue(third.contains("520"), "the first commit's file count: " + third);

            String folder = get.apply("/tree");
            assertEquals(
                    500,
                    Pattern.compile("<li class=\"file\">")
                            .matcher(folder)
                            .results()
                            .count());
            assertTrue(folder.contains("1–500 of 520"), folder);
            String rest = get.apply("/tree?skip=500");
            assertEquals(
                    20,
                    Pattern.compile("<li class=\"file\">")
                            .matcher(rest)
                            .results()
                            .count());

            // The repository stays writable while it is served, and the next page shows the change.
            forge(repo, "commit", "--allow-empty", "-m", "made while serving");
            assertTrue(get.apply("/log").contains(">made while serving<"));
        }
    }
}
