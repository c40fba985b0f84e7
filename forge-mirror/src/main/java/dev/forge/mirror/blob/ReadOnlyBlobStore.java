package dev.forge.mirror.blob;

import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import java.nio.file.Path;

/**
 * A remote that can be read but never written (one served over plain HTTP(S), say): reads go to the
 * inner store, and every write (put, create-if-absent, replace-if-unchanged, delete) fails before
 * anything is sent, with a {@link RemoteUnavailableException} that is not retryable (exit 10):
 * {@code the remote URL is read-only: cannot write refs/heads/main}.
 */
public final class ReadOnlyBlobStore extends ForwardingBlobStore {
    public ReadOnlyBlobStore(BlobStore inner) {
        super(inner);
    }

    private RemoteUnavailableException refused(String what, String name) {
        return new RemoteUnavailableException(
                "the remote " + describe() + " is read-only: cannot " + what + " " + name, false);
    }

    @Override
    public void put(String name, byte[] data) {
        throw refused("write", name);
    }

    @Override
    public void put(String name, Path file) {
        throw refused("write", name);
    }

    @Override
    public void delete(String name) {
        throw refused("delete", name);
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data) {
        throw refused("create", name);
    }

    @Override
    public boolean replaceIfUnchanged(String name, byte[] data, String expectedToken) {
        throw refused("update", name);
    }
}
