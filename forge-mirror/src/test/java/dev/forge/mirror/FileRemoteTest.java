package dev.forge.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.BlobStore;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.blob.FileBlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The protocol over file:// remotes, plus what only a local folder can show (interrupting a push). */
class FileRemoteTest extends RemoteProtocolContract {
  private final AtomicInteger n = new AtomicInteger();

  @Override
  protected String newRemoteUrl() {
    return tmp.resolve("remote-" + n.incrementAndGet()).toString();
  }

  /** Fails every index upload after the first {@code allowed}: a push killed half way. */
  static final class FailingIndexUploads extends FilterBlobStore {
    final AtomicInteger allowed;

    FailingIndexUploads(BlobStore inner, int allowed) {
      super(inner);
      this.allowed = new AtomicInteger(allowed);
    }

    @Override
    public void put(String name, byte[] data) {
      if (name.endsWith(".idx") && allowed.getAndDecrement() <= 0) {
        throw new RemoteUnavailableException("network cable pulled", false);
      }
      super.put(name, data);
    }
  }

  @Test
  void anInterruptedPushRunAgainDoesNotResendPacksThatArrived() throws Exception {
    Path remoteDir = tmp.resolve("remote");
    Path a = tmp.resolve("a");
    Files.createDirectories(a);
    for (int i = 0; i < 6; i++) Files.write(a.resolve("f" + i + ".bin"), random(i, 1_500_000));
    try (Repository repo = init(a)) {
      ObjectId v1 = commit(repo, "v1");
      addRemote(repo, remoteDir.toString());
      long total;
      try (Remote r = Remote.over("origin", new FailingIndexUploads(new FileBlobStore(remoteDir), 2), repo.store().forgeDir(), 1)) {
        assertThrows(RemoteUnavailableException.class, () -> new Push(repo.store(), r).packSize(1 << 20).run("main", "main", P));
        total = r.meter().bytesSent();
      }
      assertTrue(new FileBlobStore(remoteDir).get("refs/heads/main").isEmpty(), "the ref does not move before everything is up");
      try (Remote r = Remote.over("origin", new FileBlobStore(remoteDir), repo.store().forgeDir(), 4)) {
        Push.Result again = new Push(repo.store(), r).packSize(1 << 20).run("main", "main", P);
        assertEquals(v1, again.commit());
        assertTrue(again.packsResumed() >= 1, "the pack whose index failed is finished, not rebuilt");
        assertTrue(again.bytesSent() < 9_000_000 - total + 1_100_000,
            "first attempt sent " + total + ", the second " + again.bytesSent() + " of ~9 MB");
      }
    }
    Path b = tmp.resolve("b");
    cloneTo(remoteDir.toString(), b);
    assertSameFiles(a, b);
  }
}
