package dev.forge.mirror.blob;

import dev.forge.core.port.BlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Counts what crosses the wire: payload bytes sent and received and requests made (each attempt of a
 * retried call counts when this wraps the retrying store from inside). Reported by push, fetch and
 * clone.
 */
public final class MeteredBlobStore extends ForwardingBlobStore {
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();

    public MeteredBlobStore(BlobStore inner) {
        super(inner);
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
    protected <T> T forward(Supplier<T> call) {
        requests.incrementAndGet();
        return call.get();
    }

    @Override
    public void put(String name, byte[] data) {
        super.put(name, data);
        sent.addAndGet(data.length);
    }

    @Override
    public void put(String name, Path file) {
        super.put(name, file);
        try {
            sent.addAndGet(Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<Versioned> get(String name) {
        Optional<Versioned> v = super.get(name);
        v.ifPresent(x -> received.addAndGet(x.data().length));
        return v;
    }

    @Override
    public byte[] get(String name, long offset, int length) {
        byte[] b = super.get(name, offset, length);
        received.addAndGet(b.length);
        return b;
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data) {
        boolean created = super.putIfAbsent(name, data);
        sent.addAndGet(data.length);
        return created;
    }

    @Override
    public boolean replaceIfUnchanged(String name, byte[] data, String expectedToken) {
        boolean done = super.replaceIfUnchanged(name, data, expectedToken);
        sent.addAndGet(data.length);
        return done;
    }

    @Override
    public long putResuming(String name, Path file) {
        long skipped = forward(() -> inner().putResuming(name, file));
        try {
            sent.addAndGet(Files.size(file) - skipped);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return skipped;
    }

    /** A published draft counts as one request that sent its bytes. */
    @Override
    public Optional<Draft> draft(String folder) {
        return inner().draft(folder).map(d -> new Draft() {
            @Override
            public java.nio.channels.WritableByteChannel channel() {
                return d.channel();
            }

            @Override
            public long publish(String name) {
                long length = forward(() -> d.publish(name));
                sent.addAndGet(length);
                return length;
            }

            @Override
            public void close() {
                d.close();
            }
        });
    }

    @Override
    public void getInto(String name, long offset, int length, byte[] dst) {
        forward(() -> {
            inner().getInto(name, offset, length, dst);
            return null;
        });
        received.addAndGet(length);
    }

    @Override
    public long readInto(String name, long offset, int length, Path partial, byte[] dst) {
        long before = size(partial);
        try {
            return forward(() -> inner().readInto(name, offset, length, partial, dst));
        } finally {
            // What arrived counts even when the read was cut off half way.
            received.addAndGet(Math.max(0, size(partial) - before));
        }
    }

    private static long size(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
