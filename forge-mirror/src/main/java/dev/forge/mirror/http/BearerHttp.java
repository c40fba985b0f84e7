package dev.forge.mirror.http;

import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.mirror.RemoteUrl;
import dev.forge.mirror.auth.OAuthRefresh;
import dev.forge.mirror.blob.RetryPolicy;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The HTTP calls of a backend that authorises with an OAuth bearer token (Dropbox, Google Drive): each
 * request within {@link RetryPolicy#requestDeadline} for its body, a failure to connect or a dropped
 * connection as a retryable {@link RemoteUnavailableException} naming the blob, and a 401 on an expired
 * access token answered by one refresh for all threads, after which the request is sent again once.
 * What each backend makes of the other answers stays with it.
 */
public final class BearerHttp {
    private final OkHttpClient http;
    private final RetryPolicy policy;
    private final String where;
    private final Supplier<Optional<String>> token;
    /** Trades the refresh token for a new access token when one expires; null: none. */
    private final OAuthRefresh refresher;
    /** The access token the last refresh gave, used instead of {@link #token}'s for the rest of the process. */
    private volatile String refreshed;

    public BearerHttp(
            OkHttpClient http,
            RetryPolicy policy,
            String where,
            Supplier<Optional<String>> token,
            OAuthRefresh refresher) {
        this.http = http;
        this.policy = policy;
        this.where = where;
        this.token = token;
        this.refresher = refresher;
    }

    /**
     * The HTTP client of a backend that talks to one API host: up to {@code parallelism * 2} requests
     * at once (at least 5), the policy's timeouts, no redirects followed (a redirect must not carry the
     * token elsewhere), and no retries of its own: retrying is RetryingBlobStore's, so each one is
     * reported.
     */
    public static OkHttpClient client(RetryPolicy policy, int parallelism) {
        okhttp3.Dispatcher dispatcher = new okhttp3.Dispatcher();
        dispatcher.setMaxRequestsPerHost(Math.max(5, parallelism * 2));
        return new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new okhttp3.ConnectionPool(Math.max(5, parallelism), 5, TimeUnit.MINUTES))
                .connectTimeout(policy.connectTimeout())
                .readTimeout(policy.readTimeout())
                .writeTimeout(policy.readTimeout())
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .build();
    }

    /** Releases what {@link #client} holds: its threads and pooled connections. */
    public static void close(OkHttpClient http) {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    /** The access token requests carry now: the refreshed one, else the one given. */
    public Optional<String> currentToken() {
        String r = refreshed;
        return r != null ? Optional.of(r) : token.get();
    }

    /** {@code b} with the current token, if any, as its Authorization header. */
    public Request.Builder authorize(Request.Builder b) {
        currentToken().ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    /**
     * Sends {@code req}; on a 401 to a request that carried a token, refreshes it (when a refresher is
     * set) and sends the request again with the new one.
     */
    public Response execute(Request req, String what, String name, long bytes) {
        Response r = executeOnce(req, what, name, bytes);
        String used = req.header("Authorization");
        if (r.code() != 401 || refresher == null || used == null) return r;
        r.close();
        String fresh = refreshAfter(used);
        return executeOnce(
                req.newBuilder().header("Authorization", "Bearer " + fresh).build(), what, name, bytes);
    }

    /**
     * A new access token after {@code used} was refused as expired: one refresh for all threads (a thread
     * whose request went out with an older token takes the one already refreshed).
     */
    private synchronized String refreshAfter(String used) {
        String r = refreshed;
        if (r != null && !("Bearer " + r).equals(used)) return r;
        refreshed = refresher.refresh();
        return refreshed;
    }

    private Response executeOnce(Request req, String what, String name, long bytes) {
        okhttp3.Call call = http.newCall(req);
        call.timeout().timeout(policy.requestDeadline(bytes).toMillis(), TimeUnit.MILLISECONDS);
        try {
            return call.execute();
        } catch (IOException e) {
            throw new RemoteUnavailableException(
                    "cannot " + what + " " + name + " in " + where + ": " + failure(e), true, e);
        }
    }

    /** What went wrong with a call, for a message: a timeout in the policy's terms, else the redacted cause. */
    public String failure(IOException e) {
        return failure(policy, e);
    }

    /** What went wrong with a call under {@code policy}, for a message (also the GitHub store's). */
    public static String failure(RetryPolicy policy, IOException e) {
        if (e instanceof java.net.SocketTimeoutException) {
            return "no answer within " + RetryPolicy.seconds(policy.readTimeout()) + " s";
        }
        if (e instanceof java.io.InterruptedIOException) return "no complete answer within the request's deadline";
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return RemoteUrl.redact(m);
    }
}
