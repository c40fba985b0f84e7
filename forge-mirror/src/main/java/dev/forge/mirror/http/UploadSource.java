package dev.forge.mirror.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;
import okio.Okio;

/**
 * Bytes to upload in parts (Dropbox upload sessions, Drive resumable uploads): a file or an array,
 * any slice of it as a request body, with an identity that tells whether a kept session was
 * uploading the same bytes.
 */
public interface UploadSource {
    MediaType OCTETS = MediaType.get("application/octet-stream");

    long size();

    /** What it is, to tell whether a kept session was uploading the same bytes. */
    String identity();

    RequestBody slice(long offset, long length);

    /** An array, named {@code identity}. */
    static UploadSource bytes(byte[] data, String identity) {
        return new UploadSource() {
            @Override
            public long size() {
                return data.length;
            }

            @Override
            public String identity() {
                return identity;
            }

            @Override
            public RequestBody slice(long offset, long length) {
                return RequestBody.create(data, OCTETS, (int) offset, (int) length);
            }
        };
    }

    /** A file of {@code size} bytes last modified at {@code modified}; each slice is read when it is sent. */
    static UploadSource file(Path file, long size, long modified) {
        return new UploadSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public String identity() {
                return "file " + file.toAbsolutePath() + " " + size + " " + modified;
            }

            @Override
            public RequestBody slice(long offset, long length) {
                return new RequestBody() {
                    @Override
                    public MediaType contentType() {
                        return OCTETS;
                    }

                    @Override
                    public long contentLength() {
                        return length;
                    }

                    @Override
                    public void writeTo(BufferedSink sink) throws IOException {
                        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                                InputStream in = Channels.newInputStream(ch.position(offset))) {
                            sink.write(Okio.source(in), length);
                        }
                    }
                };
            }
        };
    }
}
