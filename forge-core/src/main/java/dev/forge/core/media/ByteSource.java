package dev.forge.core.media;

/**
 * Random access to one version of a file: a file in the work tree, or a file's chunks in the store
 * (where a read fetches only the chunks that cover it). Media probes read headers through this, so a
 * multi-GiB video costs a few chunk reads, not the whole file.
 */
public interface ByteSource {
    /** The file's length in bytes. */
    long size();

    /**
     * Up to {@code length} bytes starting at {@code offset}: fewer only when the file ends first, none
     * when {@code offset >= size()}. Failures of the underlying storage are thrown as they are (a damaged
     * chunk is an integrity error, not "unknown media").
     */
    byte[] read(long offset, int length);
}
