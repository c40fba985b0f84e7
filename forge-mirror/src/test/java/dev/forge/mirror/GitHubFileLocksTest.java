package dev.forge.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.port.BlobStore;
import dev.forge.mirror.github.FakeGitHub;
import dev.forge.mirror.github.FakeGitHubs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link FileLocks} on {@link FakeGitHub}: locks are Contents API files created without a {@code sha}
 * (GitHub refuses a create over an existing file with 422), and let go by a delete with the sha read.
 */
class GitHubFileLocksTest extends FileLocksContract {
    @RegisterExtension
    static final FakeGitHubs GITHUB = new FakeGitHubs();

    @Override
    protected String newRemoteUrl() {
        return GITHUB.newUrl();
    }

    /**
     * GitHub's Contents API lists at most 1,000 files of a folder and drops the rest without saying so;
     * the lock folder passes that in a big studio, and a lock missed there would let a push through.
     */
    @Test
    void moreLocksThanTheContentsApiListsAreAllSeenThroughTheTreesApi() throws Exception {
        String url = newRemoteUrl();
        try (Remote a = Remote.open("origin", url, Files.createDirectories(tmp.resolve("a/.forge")), 4)) {
            BlobStore blobs = a.blobs();
            // Lock blobs as FileLocks writes them, put directly: 1,000 commits through the API take long.
            FileLocks la = new FileLocks(a);
            la.lock("shots/first.exr", ANA, "main", null);
            byte[] lock =
                    blobs.get(la.lockedBlobs().iterator().next()).orElseThrow().data();
            String json = new String(lock, StandardCharsets.UTF_8);
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < FakeGitHub.DIRECTORY_LIMIT + 150; i++) {
                String p = "shots/s" + i + ".exr";
                paths.add(p);
                blobs.putIfAbsent(
                        FileLocks.blobName(p),
                        json.replace("shots/first.exr", p).getBytes(StandardCharsets.UTF_8));
            }
            Set<String> listed = la.lockedBlobs();
            assertEquals(paths.size() + 1, listed.size(), "every lock blob is listed");
            String last = paths.getLast();
            assertEquals(
                    Set.of(last),
                    la.locksOn(List.of(last, "shots/unlocked.exr")).keySet());
            List<FileLocks.Lock> all = la.all(4);
            assertEquals(paths.size() + 1, all.size());
            assertTrue(all.stream().anyMatch(l -> l.path().equals(last)));
        }
    }
}
