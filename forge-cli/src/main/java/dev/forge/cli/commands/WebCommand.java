package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.cli.web.WebServer;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.repo.Repository;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        addMethodSubcommands = false,
        name = "web",
        description = {
            "Browse the history in a browser with thumbnails and visual diffs.",
            "Commits, folders, every version of a file, and the change of a picture, video",
            "or audio file shown side by side. Read-only.",
            "Prints its URL first; the URL carries a random token that every request needs.",
            "Listens on 127.0.0.1 only unless --bind says otherwise. Opens the browser when",
            "run in a terminal on a desktop. Ctrl-C or SIGTERM stops it."
        })
public final class WebCommand implements Callable<Integer> {
    /** The port when none is given (serve's is 8417). */
    public static final int DEFAULT_PORT = 8418;

    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Option(names = "--port", paramLabel = "P", description = "Port to listen on (default 8418; 0: any free port).")
    int port = DEFAULT_PORT;

    @Option(
            names = "--bind",
            paramLabel = "ADDR",
            description = "Address to listen on (default 127.0.0.1: this machine only).")
    String bind = "127.0.0.1";

    @Option(names = "--no-open", description = "Do not open a browser.")
    boolean noOpen;

    @Override
    public Integer call() throws Exception {
        Output out = common.output(json);
        if (port < 0 || port > 65535) throw new InvalidInputException("--port must be 0 to 65535, got " + port);
        Path root;
        try (Repository repo = common.open(LocalStoreFactory.Mode.READ)) {
            root = repo.root();
        }
        System.setProperty("java.awt.headless", "true");
        WebServer server = new WebServer(new InetSocketAddress(bind, port), CommonOptions.STORES, root, 2, null);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            server.close();
            stopped.countDown();
        }));
        String host = bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
        String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port() + "/?token="
                + server.token();
        if (out.json()) {
            out.json(object().put("url", url).put("port", server.port()).put("repository", root.toString()));
        } else {
            out.println(url);
            out.println("Serving " + root + " read-only; Ctrl-C stops");
        }
        java.io.Console console = System.console();
        if (!noOpen && console != null && console.isTerminal() && desktop()) open(url);
        stopped.await();
        return 0;
    }

    /** Whether there is a desktop to open a browser on. */
    private static boolean desktop() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("windows") || os.startsWith("mac")) return true;
        return System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null;
    }

    /**
     * Opens {@code url} in the default browser; nothing when that fails (the URL is printed). As
     * Jupyter does, the browser is given a file that only this user can read and that redirects to the
     * URL, not the URL itself: a command line is visible to every user of the machine, the token must
     * not be.
     */
    private static void open(String url) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String target;
        try {
            // Created readable by this user only (the JDK's temporary files are 0600 on POSIX; on Windows
            // the temporary folder is the user's own).
            Path page = Files.createTempFile("forge-web-", ".html");
            Files.writeString(
                    page,
                    "<!doctype html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url=" + url
                            + "\"><title>forge web</title><p><a href=\"" + url + "\">forge web</a>\n",
                    StandardCharsets.UTF_8);
            page.toFile().deleteOnExit();
            target = page.toUri().toString();
        } catch (IOException e) {
            return;
        }
        List<String> cmd = os.startsWith("windows")
                ? List.of("rundll32", "url.dll,FileProtocolHandler", target)
                : os.startsWith("mac") ? List.of("open", target) : List.of("xdg-open", target);
        try {
            new ProcessBuilder(cmd)
                    .redirectInput(
                            ProcessBuilder.Redirect.from(new File(os.startsWith("windows") ? "NUL" : "/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            // no opener: the printed URL is enough
        }
    }
}
