package dev.forge.core.chunk;

import java.io.IOException;

/** Receives the chunks of a stream, in order, from {@link ChunkStream#forEach}. */
@FunctionalInterface
public interface ChunkSink {
    /**
     * One chunk: {@code buf[off, off+len)}. The slice is only valid during the call (the buffer is
     * reused for the following bytes); copy what you need to keep.
     */
    void accept(byte[] buf, int off, int len) throws IOException;
}
