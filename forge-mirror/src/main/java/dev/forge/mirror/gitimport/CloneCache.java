package dev.forge.mirror.gitimport;

import dev.forge.core.error.RemoteUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.transport.RefSpec;

/**
 * A bare clone of a git URL in {@code .forge/import/git-cache/HASH}, so that importing from a URL
 * again fetches only what is new. Made in a temporary folder and renamed into place when complete.
 */
final class CloneCache {
    private CloneCache() {}

    static org.eclipse.jgit.lib.Repository cloneOrFetch(Path forgeDir, String url) throws IOException {
        Path cache = forgeDir.resolve("import/git-cache");
        Path dir = cache.resolve(hash(url));
        try {
            if (Files.isDirectory(dir)) {
                Git g = Git.open(dir.toFile());
                try {
                    g.fetch()
                            .setRemote(url)
                            .setRefSpecs(
                                    new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"))
                            .setRemoveDeletedRefs(true)
                            .call();
                } catch (GitAPIException | RuntimeException e) {
                    g.close();
                    throw e;
                }
                return g.getRepository();
            }
            Files.createDirectories(cache);
            Path tmp = Files.createTempDirectory(cache, "clone-");
            Git.cloneRepository()
                    .setURI(url)
                    .setBare(true)
                    .setCloneAllBranches(true)
                    .setDirectory(tmp.toFile())
                    .call()
                    .close();
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            return Git.open(dir.toFile()).getRepository();
        } catch (GitAPIException e) {
            throw new RemoteUnavailableException("cannot clone or fetch " + url + ": " + e.getMessage(), false, e);
        }
    }

    private static String hash(String url) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
