package dev.forge.mirror.http;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.RemoteUrl;
import dev.forge.mirror.blob.BlobNames;
import dev.forge.mirror.blob.Listings;
import dev.forge.mirror.blob.RetryAfter;
import dev.forge.mirror.blob.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A remote read over plain HTTP(S) with GET (and HEAD) only: a static web server, a CDN, a public R2
 * bucket behind a custom domain, or {@code forge serve}. A host like that cannot list, so {@link
 * #list} reads the remote's {@link Listings} ({@code pack-list}, {@code ref-list}), which every push
 * keeps up. It cannot write either: {@link dev.forge.mirror.Remote} wraps it in a {@link
 * dev.forge.mirror.blob.ReadOnlyBlobStore}, and the write methods here refuse too.
 *
 * <ul>
 *   <li>Ranged reads send {@code Range: bytes=a-b} and take a {@code 206} whose {@code Content-Range}
 *       starts where asked; a server that ignores ranges ({@code 200}) is read past the offset.
 *   <li>{@code Accept-Encoding: identity}: lengths must be the stored bytes' lengths.
 *   <li>The version token is the {@code ETag}.
 *   <li>{@code FORGE_HTTP_TOKEN}, when set, is sent as {@code Authorization: Bearer}; OkHttp drops it
 *       on a redirect to another host. It is never printed.
 *   <li>Each attempt is bounded like the S3 remote's: connect and read timeouts from the {@link
 *       RetryPolicy}, and a deadline for the whole body by its announced length. 429 and 5xx are
 *       retryable (with {@code Retry-After}), 401/403 are not.
 * </ul>
 */
public final class HttpBlobStore implements BlobStore {
    /** The environment variable whose value is sent as a bearer token. */
    public static final String TOKEN_VARIABLE = "FORGE_HTTP_TOKEN";

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("forge-http-deadline").daemon().unstarted(r));

    private final HttpUrl base;
    private final String where;
    private final RetryPolicy policy;
    private final String token;
    private final OkHttpClient client;

    public HttpBlobStore(RemoteUrl.Http url, RetryPolicy policy, String token, int parallelism) {
        HttpUrl parsed = HttpUrl.parse(url.text().endsWith("/") ? url.text() : url.text() + "/");
        if (parsed == null) throw new IllegalArgumentException("not an HTTP URL: " + url.text());
        this.base = parsed;
        this.where = url.text();
        this.policy = policy;
        this.token = token == null || token.isBlank() ? null : token.strip();
        okhttp3.Dispatcher dispatcher = new okhttp3.Dispatcher();
        dispatcher.setMaxRequestsPerHost(Math.max(5, parallelism));
        this.client = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectTimeout(policy.connectTimeout())
                .readTimeout(policy.readTimeout())
                .writeTimeout(policy.readTimeout())
                .retryOnConnectionFailure(false) // retrying is RetryingBlobStore's, with its budget
                .build();
    }

    /** Opens the remote at {@code url} with the bearer token from {@link #TOKEN_VARIABLE}, if set. */
    public static HttpBlobStore open(RemoteUrl.Http url, RetryPolicy policy, int parallelism) {
        return new HttpBlobStore(url, policy, System.getenv(TOKEN_VARIABLE), parallelism);
    }

    @Override
    public Optional<Versioned> get(String name) {
        try (Response r = execute(request(name).get().build(), "read", name, -1)) {
            if (r.code() == 404) return Optional.empty();
            expect(r, 200, "read", name);
            long announced = contentLength(r, name);
            byte[] data = readBody(r, name, announced, 0, (int) announced);
            return Optional.of(new Versioned(data, etag(r)));
        }
    }

    @Override
    public byte[] get(String name, long offset, int length) {
        if (offset < 0 || length < 0) throw new IllegalArgumentException("bad range " + offset + "+" + length);
        if (length == 0) return new byte[0];
        Request req = request(name)
                .header("Range", "bytes=" + offset + "-" + (offset + length - 1))
                .get()
                .build();
        try (Response r = execute(req, "read", name, length)) {
            if (r.code() == 404) throw new NotFoundException("blob " + name + " is missing from " + where);
            if (r.code() == 416) {
                throw new IntegrityException("the range " + offset + "+" + length + " of " + where + "/" + name
                        + " is past its end (the remote is damaged)");
            }
            if (r.code() == 206) {
                String range = r.header("Content-Range", "");
                if (!range.startsWith("bytes " + offset + "-")) {
                    throw new RemoteUnavailableException(
                            "the server at " + where + " answered a range of " + name + " with '" + range
                                    + "', not the range asked for",
                            false);
                }
                return readBody(r, name, contentLength(r, name), 0, length);
            }
            expect(r, 200, "read", name);
            // The server ignored the range and sends the whole blob: read past the offset.
            long whole = contentLength(r, name);
            if (whole < offset + length) {
                throw new IntegrityException("the range " + offset + "+" + length + " of " + where + "/" + name
                        + " is past its end (" + whole + " bytes; the remote is damaged)");
            }
            return readBody(r, name, whole, offset, length);
        }
    }

    @Override
    public Optional<BlobInfo> stat(String name) {
        try (Response r = execute(request(name).head().build(), "read", name, 0)) {
            if (r.code() == 404) return Optional.empty();
            expect(r, 200, "read", name);
            return Optional.of(new BlobInfo(name, contentLength(r, name), etag(r)));
        }
    }

    /**
     * What the remote's listing names under {@code prefix}: {@code packs/} from {@code pack-list},
     * {@code refs/} from {@code ref-list}. A remote without them was last written by a forge that did
     * not keep them: the message says how to add them.
     */
    @Override
    public List<BlobInfo> list(String prefix) {
        String listing =
                prefix.startsWith("packs/") ? Listings.PACKS : prefix.startsWith("refs/") ? Listings.REFS : null;
        if (listing == null) {
            throw new ForgeException(
                    "cannot list " + prefix + " on " + where + ": an HTTP remote lists only packs and refs");
        }
        Versioned v = get(listing)
                .orElseThrow(() -> new ForgeException("the remote " + where + " has no " + listing
                        + ", which reading it over HTTP needs: push to it once through its storage URL (its"
                        + " folder or s3:// URL) with this version of forge, which adds it"));
        return Listings.select(Listings.parse(v.data(), where + "/" + listing), prefix);
    }

    @Override
    public void put(String name, byte[] data) {
        throw readOnly(name);
    }

    @Override
    public void put(String name, Path file) {
        throw readOnly(name);
    }

    @Override
    public void delete(String name) {
        throw readOnly(name);
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data) {
        throw readOnly(name);
    }

    @Override
    public boolean replaceIfUnchanged(String name, byte[] data, String expectedToken) {
        throw readOnly(name);
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    private RemoteUnavailableException readOnly(String name) {
        return new RemoteUnavailableException(
                "the remote " + where + " is read-only (plain HTTP): cannot write " + name
                        + "; push to its storage URL (its folder, s3:// or r2:// URL) instead",
                false);
    }

    private Request.Builder request(String name) {
        HttpUrl url = base.newBuilder().addPathSegments(BlobNames.check(name)).build();
        Request.Builder b = new Request.Builder().url(url).header("Accept-Encoding", "identity");
        if (token != null) b.header("Authorization", "Bearer " + token);
        return b;
    }

    /** Sends one request; failures to get an answer become retryable {@link RemoteUnavailableException}s. */
    private Response execute(Request request, String what, String name, long bodyBytes) {
        Call call = client.newCall(request);
        if (bodyBytes >= 0)
            call.timeout().timeout(policy.requestDeadline(bodyBytes).toMillis(), TimeUnit.MILLISECONDS);
        try {
            Response r = call.execute();
            int code = r.code();
            if (code == 401 || code == 403) {
                r.close();
                throw new RemoteUnavailableException(
                        "access denied to " + where + " (HTTP " + code + ")"
                                + (token == null
                                        ? ": if the server wants a token, set " + TOKEN_VARIABLE
                                        : ": check the token in " + TOKEN_VARIABLE),
                        false);
            }
            if (code == 429 || code >= 500) {
                Duration wait = RetryAfter.parse(r.header("Retry-After"), Instant.now());
                r.close();
                throw new RemoteUnavailableException(
                        "cannot " + what + " " + name + " from " + where + ": HTTP " + code, true, wait, null);
            }
            return r;
        } catch (SocketTimeoutException e) {
            String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            throw new RemoteUnavailableException(
                    "cannot " + what + " " + name + " from " + where + ": "
                            + (m.contains("connect")
                                    ? "no connection within " + RetryPolicy.seconds(policy.connectTimeout()) + " s"
                                    : "no answer within " + RetryPolicy.seconds(policy.readTimeout()) + " s"),
                    true,
                    e);
        } catch (InterruptedIOException e) {
            throw new RemoteUnavailableException(
                    "cannot " + what + " " + name + " from " + where + ": no complete answer within "
                            + RetryPolicy.seconds(policy.requestDeadline(Math.max(0, bodyBytes))) + " s",
                    true,
                    e);
        } catch (IOException e) {
            throw new RemoteUnavailableException(
                    "cannot " + what + " " + name + " from " + where + ": " + RemoteUrl.redact(e.getMessage()),
                    true,
                    e);
        }
    }

    private void expect(Response r, int code, String what, String name) {
        if (r.code() != code) {
            throw new RemoteUnavailableException(
                    "cannot " + what + " " + name + " from " + where + ": HTTP " + r.code(), false);
        }
    }

    private long contentLength(Response r, String name) {
        String v = r.header("Content-Length");
        long n;
        try {
            n = v == null ? -1 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0) {
            throw new RemoteUnavailableException(
                    "incomplete answer from " + where + " for " + name + " (no usable Content-Length)", true);
        }
        return n;
    }

    /**
     * Reads {@code length} bytes from {@code skip} into a body announced as {@code announced} bytes,
     * within the deadline for that length; a body that ends early is a dropped connection (retryable).
     */
    private byte[] readBody(Response r, String name, long announced, long skip, int length) {
        if (length > Integer.MAX_VALUE - 8 || skip + length > announced) {
            throw new IntegrityException(where + "/" + name + " is " + announced + " bytes, not the " + (skip + length)
                    + " expected (the remote is damaged)");
        }
        Duration deadline = policy.requestDeadline(skip + length);
        AtomicBoolean aborted = new AtomicBoolean();
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(
                () -> {
                    aborted.set(true);
                    r.close();
                },
                deadline.toMillis(),
                TimeUnit.MILLISECONDS);
        try (InputStream in = r.body().byteStream()) {
            in.skipNBytes(skip);
            byte[] got = in.readNBytes(length);
            if (got.length != length) {
                throw new RemoteUnavailableException(
                        "incomplete answer from " + where + " for " + name + " (connection dropped?)", true);
            }
            return got;
        } catch (java.io.EOFException e) {
            throw new RemoteUnavailableException(
                    "incomplete answer from " + where + " for " + name + " (connection dropped?)", true, e);
        } catch (IOException | IllegalStateException e) {
            if (aborted.get()) {
                throw new RemoteUnavailableException(
                        "no complete answer from " + where + " for " + name + " within " + RetryPolicy.seconds(deadline)
                                + " s",
                        true,
                        e);
            }
            throw new RemoteUnavailableException(
                    "connection to " + where + " failed while reading " + name + ": " + e.getMessage(), true, e);
        } finally {
            watchdog.cancel(false);
        }
    }

    private static String etag(Response r) {
        String e = r.header("ETag");
        return e == null ? "" : e;
    }
}
