package dev.forge.mirror.s3;

import dev.forge.core.error.ForgeException;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.RemoteUrl;

/** S3 and R2 (placeholder until the SDK-backed store lands). */
public final class S3BlobStore {
  private S3BlobStore() {}

  public static BlobStore open(RemoteUrl.S3 url, int parallelism) {
    throw new ForgeException("s3:// remotes are not available yet");
  }
}
