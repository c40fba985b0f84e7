package dev.forge.mirror;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.WouldOverwriteException;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.RefNames;
import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.FastForward;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.SparsePaths;
import dev.forge.core.repo.Transaction;
import dev.forge.mirror.format.RemoteConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code forge clone URL [DIR]}: a new repository with the remote's chunking, the remote as {@code
 * origin}, everything fetched, and a branch checked out. If anything fails, the folder it made is
 * removed again, so a failed clone leaves nothing behind.
 */
public final class Clone {
    public static final String ORIGIN = "origin";

    private final LocalStoreFactory stores;
    private int parallelism = Remote.DEFAULT_PARALLELISM;
    private SparsePaths sparse = SparsePaths.ALL;

    public Clone(LocalStoreFactory stores) {
        this.stores = stores;
    }

    public Clone parallelism(int n) {
        this.parallelism = n;
        return this;
    }

    /** A sparse clone: only files under {@code paths} are downloaded and checked out. */
    public Clone sparse(List<String> paths) {
        this.sparse = paths == null || paths.isEmpty() ? SparsePaths.ALL : SparsePaths.of(paths);
        return this;
    }

    public record Result(Path dir, String branch, ObjectId commit, Fetch.Result fetch, Checkout.Result checkout) {}

    /** The folder a clone of {@code url} goes to by default: the last segment of its path. */
    public static String defaultDirName(String url) {
        String s = url.replaceAll("\\?.*$", "").replaceAll("/+$", "");
        String name = s.substring(s.lastIndexOf('/') + 1);
        if (name.isEmpty() || name.contains(":"))
            throw new dev.forge.core.error.InvalidInputException(
                    "cannot choose a folder name for '" + url + "'; name one: forge clone URL DIR");
        return name;
    }

    /**
     * Clones {@code url} into {@code dir} (new or empty), checking out {@code branch} (null: main, or
     * the remote's first branch).
     */
    public Result run(String url, Path cwd, Path dir, String branch, ProgressListener progress) {
        RemoteUrl parsed = RemoteUrl.parse(url, cwd);
        Path target = dir.toAbsolutePath().normalize();
        boolean created = prepare(target);
        try (Remote probe = Remote.open(ORIGIN, parsed, target.resolve(".forge"), parallelism)) {
            RemoteConfig rc = probe.requireConfig();
            RepoConfig config = new RepoConfig(
                    RepoConfig.FORMAT, rc.chunking(), RepoConfig.defaults().compression());
            try (Repository repo = Repository.init(stores, target, config);
                    Remote remote = Remote.open(ORIGIN, parsed, repo.forgeDir(), parallelism)) {
                if (sparse.isSparse()) sparse.save(repo.forgeDir());
                // One operation: the remote, its tracking refs, the branch and the checkout.
                Transaction tx = repo.begin("clone " + parsed.text()).setRemote(ORIGIN, parsed.text());
                Fetch.Result fetched = new Fetch(repo, remote).run(tx, progress);
                if (fetched.branches().isEmpty()) {
                    tx.commit();
                    return new Result(target, null, null, fetched, null);
                }
                String chosen = choose(branch, fetched.branches().keySet());
                ObjectId tip = fetched.branches().get(chosen);
                tx.setHead(new Head.OnBranch(chosen));
                Checkout.Result c = new FastForward(repo).run(tx, chosen, tip, progress);
                return new Result(target, chosen, tip, fetched, c);
            }
        } catch (RuntimeException | Error e) {
            cleanUp(target, created);
            throw e;
        }
    }

    private static String choose(String wanted, java.util.Set<String> branches) {
        if (wanted != null) {
            if (!branches.contains(wanted)) {
                throw new NotFoundException(
                        "the remote has no branch '" + wanted + "' (it has: " + String.join(", ", branches) + ")");
            }
            return wanted;
        }
        if (branches.contains(RefNames.DEFAULT_BRANCH)) return RefNames.DEFAULT_BRANCH;
        return branches.iterator().next();
    }

    /** Checks that {@code target} is new or empty; returns whether it had to be created. */
    private static boolean prepare(Path target) {
        try {
            if (Files.exists(target)) {
                if (!Files.isDirectory(target))
                    throw new WouldOverwriteException(target + " exists and is not a folder");
                try (Stream<Path> s = Files.list(target)) {
                    if (s.findAny().isPresent())
                        throw new WouldOverwriteException(target + " is not empty; clone into a new or empty folder");
                }
                return false;
            }
            Files.createDirectories(target);
            return true;
        } catch (IOException e) {
            throw new ForgeException("cannot create " + target + ": " + e.getMessage(), e);
        }
    }

    private static void cleanUp(Path target, boolean created) {
        try {
            List<Path> doomed;
            try (Stream<Path> s = Files.walk(target)) {
                doomed = s.sorted(Comparator.reverseOrder()).toList();
            }
            for (Path p : doomed) {
                if (!created && p.equals(target)) continue;
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: the error that made the clone fail is what the user needs to see
        }
    }
}
