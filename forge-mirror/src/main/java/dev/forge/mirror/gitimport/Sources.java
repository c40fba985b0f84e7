package dev.forge.mirror.gitimport;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.repo.HistoryWriter.ContentSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The three places an imported file's bytes come from. */
final class Sources {
    private Sources() {}

    /** A small blob already read (to see whether it is an LFS pointer): not read again. */
    record Bytes(byte[] data, String describe) implements ContentSource {
        @Override
        public long size() {
            return data.length;
        }

        @Override
        public ReadableByteChannel open() {
            return Channels.newChannel(new java.io.ByteArrayInputStream(data));
        }
    }

    /** A git blob, streamed from the object database (JGit's {@code Repository.open} is thread-safe). */
    record GitBlob(org.eclipse.jgit.lib.Repository git, org.eclipse.jgit.lib.ObjectId id, long size, String describe)
            implements ContentSource {
        @Override
        public ReadableByteChannel open() throws IOException {
            InputStream in =
                    git.open(id, org.eclipse.jgit.lib.Constants.OBJ_BLOB).openStream();
            return Channels.newChannel(in);
        }
    }

    /** A Git LFS object in a local {@code lfs/objects} folder; its SHA-256 is checked against the pointer's. */
    static final class LfsFile implements ContentSource {
        private final Path file;
        private final LfsPointer pointer;
        private final String describe;
        private MessageDigest digest;

        LfsFile(Path file, LfsPointer pointer, String describe) {
            this.file = file;
            this.pointer = pointer;
            this.describe = describe;
        }

        @Override
        public long size() {
            return pointer.size();
        }

        @Override
        public String describe() {
            return describe;
        }

        @Override
        public ReadableByteChannel open() throws IOException {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            MessageDigest d = digest;
            return new ReadableByteChannel() {
                @Override
                public int read(ByteBuffer dst) throws IOException {
                    int start = dst.position();
                    int n = ch.read(dst);
                    if (n > 0) d.update(dst.duplicate().position(start).limit(start + n));
                    return n;
                }

                @Override
                public boolean isOpen() {
                    return ch.isOpen();
                }

                @Override
                public void close() throws IOException {
                    ch.close();
                }
            };
        }

        @Override
        public void verify() {
            String got = HexFormat.of().formatHex(digest.digest());
            if (!got.equals(pointer.oid())) {
                throw new IntegrityException("Git LFS object " + file + " (" + describe + ") has SHA-256 " + got
                        + ", not the " + pointer.oid() + " its pointer names: the LFS store is damaged");
            }
        }
    }
}
