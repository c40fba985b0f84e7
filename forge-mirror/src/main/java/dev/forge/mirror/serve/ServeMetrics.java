package dev.forge.mirror.serve;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The numbers {@code forge serve} shows at {@code /metrics}, in the Prometheus text format (0.0.4). */
public final class ServeMetrics {
    private final LongAdder requests = new LongAdder();
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final LongAdder bytesServed = new LongAdder();
    private final LongAdder bytesServedFromCache = new LongAdder();
    private final LongAdder bytesFromUpstream = new LongAdder();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final AtomicLong cacheBytes = new AtomicLong();
    private final Set<String> clients = ConcurrentHashMap.newKeySet();

    public void request(String client, int status) {
        requests.increment();
        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        if (clients.size() < 100_000) clients.add(client);
    }

    /** Bytes of a response body sent; {@code cached}: from a file in the cache or the repository. */
    public void served(long bytes, boolean cached) {
        bytesServed.add(bytes);
        if (cached) bytesServedFromCache.add(bytes);
    }

    public void fromUpstream(long bytes) {
        bytesFromUpstream.add(bytes);
    }

    public void cacheHit() {
        hits.increment();
    }

    public void cacheMiss() {
        misses.increment();
    }

    public void evicted() {
        evictions.increment();
    }

    public void cacheBytes(long bytes) {
        cacheBytes.set(bytes);
    }

    public long bytesFromUpstream() {
        return bytesFromUpstream.sum();
    }

    public long bytesServed() {
        return bytesServed.sum();
    }

    /** The Prometheus text exposition of every number. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        counter(sb, "forge_serve_requests_total", "HTTP requests answered", requests.sum());
        sb.append("# HELP forge_serve_responses_total HTTP responses by status code\n")
                .append("# TYPE forge_serve_responses_total counter\n");
        new java.util.TreeMap<>(byStatus)
                .forEach((code, n) -> sb.append(
                        String.format(Locale.ROOT, "forge_serve_responses_total{code=\"%d\"} %d%n", code, n.sum())));
        counter(sb, "forge_serve_bytes_served_total", "response body bytes sent to clients", bytesServed.sum());
        counter(
                sb,
                "forge_serve_bytes_served_from_cache_total",
                "response body bytes sent from files already on local disk",
                bytesServedFromCache.sum());
        counter(sb, "forge_serve_bytes_from_upstream_total", "bytes read from upstream", bytesFromUpstream.sum());
        counter(sb, "forge_serve_cache_hits_total", "pack and index requests found in the cache", hits.sum());
        counter(sb, "forge_serve_cache_misses_total", "pack and index downloads from upstream", misses.sum());
        counter(sb, "forge_serve_cache_evictions_total", "files evicted from the cache", evictions.sum());
        gauge(sb, "forge_serve_cache_bytes", "bytes in the cache", cacheBytes.get());
        gauge(sb, "forge_serve_clients", "distinct client addresses seen", clients.size());
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, long v) {
        metric(sb, name, help, "counter", v);
    }

    private static void gauge(StringBuilder sb, String name, String help, long v) {
        metric(sb, name, help, "gauge", v);
    }

    private static void metric(StringBuilder sb, String name, String help, String type, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        sb.append(name).append(' ').append(v).append('\n');
    }
}
