package dev.forge.mirror;

import java.nio.file.Path;

/** Test access to URL parsing. */
public final class RemoteUrls {
    private RemoteUrls() {}

    public static RemoteUrl.S3 s3(String url) {
        return (RemoteUrl.S3) RemoteUrl.parse(url, Path.of("/"));
    }
}
