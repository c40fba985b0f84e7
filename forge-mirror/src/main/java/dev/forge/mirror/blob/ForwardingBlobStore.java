package dev.forge.mirror.blob;

import dev.forge.core.port.BlobStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A blob store that hands every call to an inner one: the base of the decorators ({@link
 * RetryingBlobStore}, {@link MeteredBlobStore}, {@link ReadOnlyBlobStore}), which override only what
 * they change. Every remote call made through it passes {@link #forward}, so a decorator that
 * treats all calls alike (retrying, counting requests) overrides that one method; one that changes
 * particular calls overrides those. {@link #describe} and {@link #close} go straight to the inner
 * store.
 *
 * <p>A decorator keeps the {@link BlobStore} guarantees of the store it wraps unless its own comment
 * says otherwise.
 */
public abstract class ForwardingBlobStore implements BlobStore {
    private final BlobStore inner;

    protected ForwardingBlobStore(BlobStore inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    /** The store this one forwards to. */
    protected final BlobStore inner() {
        return inner;
    }

    /**
     * Makes one call to the inner store. The default just makes it; override to act around every
     * call.
     */
    protected <T> T forward(Supplier<T> call) {
        return call.get();
    }

    @Override
    public void put(String name, byte[] data) {
        forward(() -> {
            inner.put(name, data);
            return null;
        });
    }

    @Override
    public void put(String name, Path file) {
        forward(() -> {
            inner.put(name, file);
            return null;
        });
    }

    @Override
    public Optional<Versioned> get(String name) {
        return forward(() -> inner.get(name));
    }

    @Override
    public boolean local() {
        return inner.local();
    }

    @Override
    public byte[] get(String name, long offset, int length) {
        return forward(() -> inner.get(name, offset, length));
    }

    @Override
    public Optional<BlobInfo> stat(String name) {
        return forward(() -> inner.stat(name));
    }

    @Override
    public List<BlobInfo> list(String prefix) {
        return forward(() -> inner.list(prefix));
    }

    @Override
    public void delete(String name) {
        forward(() -> {
            inner.delete(name);
            return null;
        });
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data) {
        return forward(() -> inner.putIfAbsent(name, data));
    }

    @Override
    public boolean replaceIfUnchanged(String name, byte[] data, String expectedToken) {
        return forward(() -> inner.replaceIfUnchanged(name, data, expectedToken));
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
