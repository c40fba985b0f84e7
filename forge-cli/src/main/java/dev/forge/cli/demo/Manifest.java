package dev.forge.cli.demo;

import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a version of the demo project holds: every file's size and SHA-256, by '/'-separated path.
 * Computed while the files are written, so verifying a checkout never needs the original bytes.
 */
public final class Manifest {
    /** One file: its length and SHA-256. */
    public record Entry(long size, byte[] sha256) {
        public String hex() {
            return HexFormat.of().formatHex(sha256);
        }

        boolean sameAs(Entry o) {
            return o != null && size == o.size && java.util.Arrays.equals(sha256, o.sha256);
        }
    }

    private final TreeMap<String, Entry> files = new TreeMap<>();

    Manifest() {}

    Manifest(Manifest other) {
        files.putAll(other.files);
    }

    synchronized void put(String path, long size, byte[] sha256) {
        files.put(path, new Entry(size, sha256.clone()));
    }

    public synchronized Map<String, Entry> files() {
        return Collections.unmodifiableMap(new TreeMap<>(files));
    }

    public synchronized Entry get(String path) {
        return files.get(path);
    }

    public synchronized int size() {
        return files.size();
    }

    public synchronized long bytes() {
        long n = 0;
        for (Entry e : files.values()) n += e.size;
        return n;
    }

    /** Paths that are new here or whose content differs from {@code base}. */
    public synchronized Map<String, Entry> changedFrom(Manifest base) {
        TreeMap<String, Entry> out = new TreeMap<>();
        for (var e : files.entrySet()) {
            if (!e.getValue().sameAs(base.get(e.getKey()))) out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    synchronized Manifest copy() {
        return new Manifest(this);
    }
}
