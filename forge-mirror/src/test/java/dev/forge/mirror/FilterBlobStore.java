package dev.forge.mirror;

import dev.forge.core.port.BlobStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A blob store that passes every call through; tests override what they want to break. */
class FilterBlobStore implements BlobStore {
    final BlobStore inner;

    FilterBlobStore(BlobStore inner) {
        this.inner = inner;
    }

    @Override
    public void put(String name, byte[] data) {
        inner.put(name, data);
    }

    @Override
    public void put(String name, Path file) {
        inner.put(name, file);
    }

    @Override
    public Optional<Versioned> get(String name) {
        return inner.get(name);
    }

    @Override
    public byte[] get(String name, long offset, int length) {
        return inner.get(name, offset, length);
    }

    @Override
    public Optional<BlobInfo> stat(String name) {
        return inner.stat(name);
    }

    @Override
    public List<BlobInfo> list(String prefix) {
        return inner.list(prefix);
    }

    @Override
    public void delete(String name) {
        inner.delete(name);
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data) {
        return inner.putIfAbsent(name, data);
    }

    @Override
    public boolean replaceIfUnchanged(String name, byte[] data, String token) {
        return inner.replaceIfUnchanged(name, data, token);
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
