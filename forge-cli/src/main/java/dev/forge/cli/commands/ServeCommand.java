package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.Units;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.cli.options.TransferOptions;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.port.BlobStore;
import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Remote;
import dev.forge.mirror.RemoteUrl;
import dev.forge.mirror.serve.BlobHttpServer;
import dev.forge.mirror.serve.PullThroughCache;
import dev.forge.mirror.serve.RepositoryBlobs;
import dev.forge.mirror.serve.ServeMetrics;
import dev.forge.mirror.serve.ServedBlobs;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        addMethodSubcommands = false,
        name = "serve",
        description = {
            "Serve this repository or a remote read-only over HTTP.",
            "With --upstream it is a pull-through cache.",
            "Without --upstream: this repository's branches, tags and objects.",
            "With --upstream URL every pack a client asks for is fetched from URL once,",
            "verified, kept in --cache-dir (least recently used out past --cache-size)",
            "and served to every later client; refs are read through every 2 s.",
            "Clients clone and fetch http://HOST:PORT/. /metrics has the numbers.",
            "Runs in the foreground; Ctrl-C or SIGTERM stops it."
        })
public final class ServeCommand implements Callable<Integer> {
    /** The port when none is given. */
    public static final int DEFAULT_PORT = 8417;

    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    TransferOptions transfer;

    @Option(names = "--port", paramLabel = "P", description = "Port to listen on (default 8417; 0: any free port).")
    int port = DEFAULT_PORT;

    @Option(
            names = "--bind",
            paramLabel = "ADDR",
            description = "Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface).")
    String bind = "127.0.0.1";

    @Option(
            names = "--upstream",
            paramLabel = "URL",
            description =
                    "The remote to serve and cache: a path, s3://, r2://, github://, dropbox://, gdrive:// or https:// URL.")
    String upstream;

    @Option(
            names = "--cache-dir",
            paramLabel = "DIR",
            description = "Where cached packs are kept (default: the current folder).")
    Path cacheDir;

    @Option(names = "--cache-size", paramLabel = "SIZE", description = "Most the cache holds, e.g. 500G (default 20G).")
    String cacheSize = "20G";

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "Require 'Authorization: Bearer TOKEN' with the token in FILE; clients set FORGE_HTTP_TOKEN.")
    Path tokenFile;

    @Override
    public Integer call() throws Exception {
        Output out = common.output(json);
        if (port < 0 || port > 65535) throw new InvalidInputException("--port must be 0 to 65535, got " + port);
        long maxBytes;
        try {
            maxBytes = Units.parseSize(cacheSize);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--cache-size: " + e.getMessage());
        }
        String token = tokenFile == null ? null : readToken(common.cwd().resolve(tokenFile));
        Path dir = cacheDir == null ? common.cwd() : common.cwd().resolve(cacheDir);
        ServeMetrics metrics = new ServeMetrics();
        ServedBlobs blobs;
        String what;
        if (upstream != null) {
            BlobStore store = Remote.openStore(upstream, common.cwd(), transfer.options("upstream", out, null));
            blobs = new PullThroughCache(store, dir, maxBytes, PullThroughCache.DEFAULT_TTL_MILLIS, metrics);
            what = RemoteUrl.redact(store.describe());
        } else {
            if (cacheDir != null) throw new InvalidInputException("--cache-dir goes with --upstream");
            Path root;
            try (Repository repo = common.open(LocalStoreFactory.Mode.READ)) {
                root = repo.root();
            }
            blobs = new RepositoryBlobs(
                    root,
                    () -> {
                        try (Repository r = Repository.open(CommonOptions.STORES, root, LocalStoreFactory.Mode.READ)) {
                            return RepositoryBlobs.Snapshot.of(r);
                        }
                    },
                    RepositoryBlobs.REFRESH_MILLIS);
            what = "the repository " + root;
        }
        ServedBlobs cache = blobs;
        boolean debug = common.debug();
        BlobHttpServer server = new BlobHttpServer(
                new InetSocketAddress(bind, port),
                cache,
                metrics,
                token,
                debug ? line -> out.err().println("forge serve: " + line) : null);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            server.close();
            cache.close();
            stopped.countDown();
        }));
        String url = "http://" + (bind.contains(":") ? "[" + bind + "]" : bind) + ":" + server.port() + "/";
        if (out.json()) {
            out.json(object().put("url", url)
                    .put("serving", what)
                    .put("cacheDir", upstream == null ? null : dir.toString())
                    .put("cacheSize", upstream == null ? null : maxBytes)
                    .put("port", server.port()));
        } else {
            out.printf(
                    "Serving %s at %s%s; Ctrl-C stops%n",
                    what, url, upstream == null ? "" : " (cache " + dir + ", up to " + Units.human(maxBytes) + ")");
        }
        stopped.await();
        return 0;
    }

    private static String readToken(Path file) {
        try {
            String t = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (t.isEmpty() || t.contains("\n"))
                throw new InvalidInputException("the token file " + file + " must hold one token on one line");
            return t;
        } catch (IOException e) {
            throw new InvalidInputException("cannot read the token file " + file + ": " + e.getMessage());
        }
    }
}
