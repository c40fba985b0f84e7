package dev.forge.mirror.blob;

import dev.forge.core.port.BlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what crosses the wire: payload bytes sent and received and requests made (each attempt of a
 * retried call counts when this wraps the retrying store from inside). Reported by push, fetch and
 * clone.
 */
public final class MeteredBlobStore implements BlobStore {
    private final BlobStore inner;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();

    public MeteredBlobStore(BlobStore inner) {
        this.inner = inner;
    }

    public long bytesSent() {
        return sent.get();
    }

    public long bytesReceived() {
        return received.get();
    }

    public long requests() {
        return requests.get();
    }

    @Override
    public void put(String name, byte[] data) {
        requests.incrementAndGet();
        inner.put(name, data);
        sent.addAndGet(data.length);
    }

    @Override
    public void put(String name, Path file) {
        requests.incrementAndGet();
        inner.put(name, file);
        try {
            sent.addAndGet(Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<Versioned> get(String name) {
        requests.incrementAndGet();
        Optional<Versioned> v = inner.get(name);
        v.ifPresent(x -> received.addAndGet(x.data().length));
        return v;
    }

    @Override
    public byte[] get(String name, long offset, int length) {
        requests.incrementAndGet();
        byte[] b = inner.get(name, offset, length);
        received.addAndGet(b.length);
        return b;
    }

    @Override
    public Optional<BlobInfo> stat(String name) {
        requests.incrementAndGet();
        return inner.stat(name);
    }

    @Override
    public List<BlobInfo> list(String prefix) {
        requests.incrementAndGet();
        return inner.list(prefix);
    }

    @Override
    public void delete(String name) {
        requests.incrementAndGet();
        inner.delete(name);
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data) {
        requests.incrementAndGet();
        boolean created = inner.putIfAbsent(name, data);
        sent.addAndGet(data.length);
        return created;
    }

    @Override
    public boolean replaceIfUnchanged(String name, byte[] data, String expectedToken) {
        requests.incrementAndGet();
        boolean done = inner.replaceIfUnchanged(name, data, expectedToken);
        sent.addAndGet(data.length);
        return done;
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void close() {
        inner.close();
    }
}
