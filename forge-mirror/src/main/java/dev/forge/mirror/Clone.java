package dev.forge.mirror;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.error.WouldOverwriteException;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.RefNames;
import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.FastForward;
import dev.forge.core.repo.Prefill;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.SparsePaths;
import dev.forge.core.repo.Transaction;
import dev.forge.mirror.format.RemoteConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code forge clone URL [DIR]}: a new repository with the remote's chunking, the remote as {@code
 * origin}, everything fetched, and a branch checked out. If anything fails, the folder it made is
 * removed again, so a failed clone leaves nothing behind.
 *
 * <p>A clone that is killed cannot clean up; it leaves a marker instead, so that running the same
 * clone again recognises the leftovers as its own: once the repository exists it continues the clone
 * (what was downloaded stays; {@link #resume}), before that it removes them and starts over. A clone
 * cut off by the network after the repository exists keeps it the same way. Every other command
 * refuses the unfinished clone, naming the command that finishes it ({@link
 * Repository#unfinishedClone}). The marker names the
 * URL and is always in exactly one place: {@code DIR/.forge-clone} from before the repository is made
 * until it exists, then (moved atomically) {@code DIR/.forge/clone-in-progress} until the clone has
 * finished, when it is deleted. Before the checkout writes the first file it is inside {@code .forge},
 * where no file of the work tree can be.
 */
public final class Clone {
    public static final String ORIGIN = "origin";
    /** The marker before the repository exists, in the clone's folder. */
    static final String MARKER = ".forge-clone";
    /** The marker once it does, in its {@code .forge}. */
    static final String MARKER_IN_REPO = "clone-in-progress";

    private static final String MARKER_TEXT = "forge clone in progress from ";
    private static final String INIT_STAGING = ".forge-init-";

    private final LocalStoreFactory stores;
    private RemoteOptions options = RemoteOptions.defaults();
    private SparsePaths sparse = SparsePaths.ALL;

    public Clone(LocalStoreFactory stores) {
        this.stores = stores;
    }

    public Clone parallelism(int n) {
        this.options = options.withParallelism(n);
        return this;
    }

    /** Transfers in flight, timeouts and retry reporting. */
    public Clone options(RemoteOptions options) {
        this.options = options;
        return this;
    }

    private boolean lazy;
    private List<String> peers = List.of();

    /**
     * Reads the packs through these peers ({@code forge serve --upstream} URLs of other machines),
     * kept as {@code remote.origin.peers} for later fetches.
     */
    public Clone peers(List<String> urls) {
        this.peers = urls == null ? List.of() : List.copyOf(urls);
        for (String u : peers) {
            if (!(RemoteUrl.parse(u, java.nio.file.Path.of("")) instanceof RemoteUrl.Http))
                throw new dev.forge.core.error.InvalidInputException(
                        "--peer takes the http(s) URL of a 'forge serve' on another machine, got '" + u + "'");
        }
        return this;
    }

    /**
     * A lazy clone: every commit and tree, and only the contents the checkout writes; older versions
     * are fetched when a command needs them ({@code .forge/lazy}).
     */
    public Clone lazy(boolean lazy) {
        this.lazy = lazy;
        return this;
    }

    /** A sparse clone: only files under {@code paths} are downloaded and checked out. */
    public Clone sparse(List<String> paths) {
        this.sparse = paths == null || paths.isEmpty() ? SparsePaths.ALL : SparsePaths.of(paths);
        return this;
    }

    /** {@code bytesReceived}: everything the clone downloaded, the checkout's lazy fetches included. */
    public record Result(
            Path dir,
            String branch,
            ObjectId commit,
            Fetch.Result fetch,
            Checkout.Result checkout,
            long bytesReceived,
            boolean resumed,
            int filesFromFetch) {
        /** A clone that did not resume, none of whose files came from the fetch (yet). */
        public Result(
                Path dir,
                String branch,
                ObjectId commit,
                Fetch.Result fetch,
                Checkout.Result checkout,
                long bytesReceived) {
            this(dir, branch, commit, fetch, checkout, bytesReceived, false, 0);
        }

        /** The same, saying how many files of the checkout were written as their chunks arrived. */
        Result withFilesFromFetch(int files) {
            return new Result(dir, branch, commit, fetch, checkout, bytesReceived, resumed, files);
        }

        /** The same, as a clone that continued an unfinished one. */
        Result asResumed() {
            return new Result(dir, branch, commit, fetch, checkout, bytesReceived, true, filesFromFetch);
        }
    }

    /** The folder a clone of {@code url} goes to by default: the last segment of its path. */
    public static String defaultDirName(String url) {
        String s = url.replaceAll("\\?.*$", "").replaceAll("/+$", "");
        String name = s.substring(s.lastIndexOf('/') + 1);
        if (name.isEmpty() || name.contains(":"))
            throw new dev.forge.core.error.InvalidInputException(
                    "cannot choose a folder name for '" + RemoteUrl.redact(url) + "'; name one: forge clone URL DIR");
        return name;
    }

    /**
     * Clones {@code url} into {@code dir} (new or empty), checking out {@code branch} (null: main, or
     * the remote's first branch).
     */
    public Result run(String url, Path cwd, Path dir, String branch, ProgressListener progress) {
        RemoteUrl parsed = RemoteUrl.parse(url, cwd);
        if (parsed instanceof RemoteUrl.YouTube)
            throw new dev.forge.core.error.InvalidInputException("YouTube cannot be read back: 'forge init', then"
                    + " 'forge mirror restore NAME --from DIR' with the videos you downloaded");
        Path target = dir.toAbsolutePath().normalize();
        if (parsed.text().equals(Repository.unfinishedClone(target))) {
            Result resumed = resume(parsed, target, branch, progress);
            if (resumed != null) return resumed;
        }
        boolean created = prepare(target, parsed.text());
        boolean[] filling = {false};
        try (Remote probe = Remote.open(ORIGIN, parsed, target.resolve(".forge"), options)) {
            RemoteConfig rc = probe.requireConfig();
            RepoConfig config = new RepoConfig(
                    RepoConfig.FORMAT, rc.chunking(), RepoConfig.defaults().compression());
            if (!peers.isEmpty()) config = config.withRemotePeers(ORIGIN, String.join(",", peers));
            Path marker = writeMarker(target, parsed.text());
            try (Repository repo = Repository.init(stores, target, config);
                    Remote remote = Remote.open(ORIGIN, parsed, repo.forgeDir(), options)) {
                Path inRepo = repo.forgeDir().resolve(MARKER_IN_REPO);
                move(marker, inRepo);
                filling[0] = true;
                Result r = fill(repo, remote, parsed, target, branch, progress);
                delete(inRepo);
                return r;
            }
        } catch (RemoteUnavailableException e) {
            // Cut off while downloading: what arrived stays for the same clone, run again, to continue.
            if (filling[0]) throw unfinished(e, parsed, target);
            cleanUp(target, created);
            throw e;
        } catch (RuntimeException | Error e) {
            cleanUp(target, created);
            throw e;
        }
    }

    /**
     * Continues the unfinished clone of {@code parsed} in {@code target} (killed, or cut off): the
     * objects it stored stay and are not downloaded again, partial reads continue ({@link Fetch}), the
     * work tree is written anew, and only then the marker goes. Returns null when what is there cannot
     * be continued (its chunking is not the remote's, or it does not open): the caller starts over.
     */
    private Result resume(RemoteUrl parsed, Path target, String branch, ProgressListener progress) {
        Repository repo;
        try {
            repo = Repository.openUnfinishedClone(stores, target);
        } catch (RuntimeException e) {
            return null;
        }
        try (repo;
                Remote remote = Remote.open(ORIGIN, parsed, repo.forgeDir(), options)) {
            RemoteConfig rc = remote.requireConfig();
            if (!rc.chunking().equals(repo.config().chunking())) return null;
            if (repo.headCommit().isPresent()) {
                // Killed after its operation committed (the checkout is whole), before the marker went.
                Fetch.Result fetched = new Fetch(repo, remote).run(progress);
                delete(repo.forgeDir().resolve(MARKER_IN_REPO));
                String on = repo.head() instanceof Head.OnBranch b ? b.branch() : null;
                return new Result(target, on, repo.headCommit().get(), fetched, null, fetched.bytesReceivedInAll())
                        .asResumed();
            }
            // Files a killed checkout wrote (whole or half) go: they are written again from the store.
            clearWorkTree(target);
            Result r = fill(repo, remote, parsed, target, branch, progress);
            delete(repo.forgeDir().resolve(MARKER_IN_REPO));
            return r.asResumed();
        } catch (RemoteUnavailableException e) {
            throw unfinished(e, parsed, target);
        }
    }

    private static RemoteUnavailableException unfinished(RemoteUnavailableException e, RemoteUrl parsed, Path target) {
        return new RemoteUnavailableException(
                e.getMessage() + "; the clone in " + target + " is unfinished: run 'forge clone "
                        + RemoteUrl.redact(parsed.text()) + " " + target + "' again to continue it",
                e.retryable(),
                e);
    }

    /** Removes everything in the work tree but {@code .forge}. */
    private static void clearWorkTree(Path target) {
        try (Stream<Path> top = Files.list(target)) {
            for (Path p : (Iterable<Path>) top::iterator) {
                if (p.getFileName().toString().equals(".forge")) continue;
                List<Path> doomed;
                try (Stream<Path> s = Files.walk(p)) {
                    doomed = s.sorted(Comparator.reverseOrder()).toList();
                }
                for (Path d : doomed) Files.deleteIfExists(d);
            }
        } catch (IOException e) {
            throw new ForgeException("cannot clear " + target + " to finish its clone: " + e.getMessage(), e);
        }
    }

    /** Everything after the repository exists: fetch, the branch, the checkout, as one operation. */
    private Result fill(
            Repository repo, Remote remote, RemoteUrl parsed, Path target, String branch, ProgressListener progress) {
        if (sparse.isSparse()) sparse.save(repo.forgeDir());
        if (lazy) {
            repo.makeLazy(ORIGIN);
            // The checkout below fetches what it writes, exactly that, through the remote already open
            // (origin is recorded only when the clone's transaction commits).
            repo.lazyFetch((paths, contents) -> new Fetch(repo, remote)
                    .contents(contents.stream().map(c -> c.id()).distinct().toList(), progress));
        }
        // One operation: the remote, its tracking refs, the branch and the checkout.
        Transaction tx = repo.begin("clone " + parsed.text()).setRemote(ORIGIN, parsed.text());
        Fetch fetch = new Fetch(repo, remote);
        // The checkout's files are written as their chunks arrive (Prefill), not read back afterwards.
        // A lazy clone fetches contents only for its checkout, through the lazy fetcher.
        Prefill[] prefill = {null};
        if (!lazy) {
            fetch.prefill(branches -> {
                if (branches.isEmpty() || (branch != null && !branches.containsKey(branch))) return null;
                prefill[0] = Prefill.plan(repo, branches.get(choose(branch, branches.keySet())), sparse::includes);
                repo.prefill(prefill[0]);
                return prefill[0];
            });
        }
        try {
            Result r = checkOut(repo, remote, target, branch, tx, fetch.run(tx, progress), progress);
            return prefill[0] == null ? r : r.withFilesFromFetch(prefill[0].taken());
        } finally {
            repo.prefill(null);
            if (prefill[0] != null) prefill[0].close();
        }
    }

    private Result checkOut(
            Repository repo,
            Remote remote,
            Path target,
            String branch,
            Transaction tx,
            Fetch.Result fetched,
            ProgressListener progress) {
        if (fetched.branches().isEmpty()) {
            tx.commit();
            return new Result(target, null, null, fetched, null, fetched.bytesReceivedInAll());
        }
        String chosen = choose(branch, fetched.branches().keySet());
        ObjectId tip = fetched.branches().get(chosen);
        tx.setHead(new Head.OnBranch(chosen));
        Checkout.Result c = new FastForward(repo).run(tx, chosen, tip, progress);
        // A lazy clone keeps one copy of the checkout: the work tree. Its chunks, fetched for the
        // checkout, leave .forge again; they are on the remote and read back from the work tree when a
        // command needs them (docs/cli.md, "forge evict").
        if (lazy) new Evict(repo).run(remote, java.time.Duration.ZERO, false, progress);
        return new Result(target, chosen, tip, fetched, c, remote.meter().bytesReceived() + fetched.bytesFromOthers());
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

    /**
     * Checks that {@code target} is new, empty, or holds what an interrupted clone of {@code url} left
     * (which it then empties); returns whether it had to be created.
     */
    private static boolean prepare(Path target, String url) {
        try {
            if (Files.exists(target)) {
                if (!Files.isDirectory(target))
                    throw new WouldOverwriteException(target + " exists and is not a folder");
                List<String> names;
                try (Stream<Path> s = Files.list(target)) {
                    names = s.map(p -> p.getFileName().toString()).toList();
                }
                if (names.isEmpty()) return false;
                String leftover = interruptedClone(target, names);
                if (leftover == null)
                    throw new WouldOverwriteException(target + " is not empty; clone into a new or empty folder");
                if (!leftover.isEmpty() && !leftover.equals(url)) {
                    throw new WouldOverwriteException(target + " holds an interrupted clone of "
                            + RemoteUrl.redact(leftover) + ": run that clone again, or remove the folder");
                }
                cleanUp(target, false);
                return false;
            }
            Files.createDirectories(target);
            return true;
        } catch (IOException e) {
            throw new ForgeException("cannot create " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * The URL of the interrupted clone whose leftovers fill {@code target} (entries {@code names}); ""
     * when they are only an interrupted repository creation's staging folders; null when they are not
     * a clone's. The marker at the top is trusted only beside nothing but a repository in the making,
     * since a work tree may hold a file of that name.
     */
    private static String interruptedClone(Path target, List<String> names) throws IOException {
        String inRepo = markerUrl(target.resolve(".forge").resolve(MARKER_IN_REPO));
        if (inRepo != null) return inRepo;
        boolean onlyOurs =
                names.stream().allMatch(n -> n.equals(MARKER) || n.equals(".forge") || n.startsWith(INIT_STAGING));
        if (!onlyOurs) return null;
        String top = markerUrl(target.resolve(MARKER));
        if (top != null) return top;
        return names.stream().allMatch(n -> n.startsWith(INIT_STAGING)) ? "" : null;
    }

    /** The URL a marker file names, or null when {@code p} is not one. */
    private static String markerUrl(Path p) throws IOException {
        if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.size(p) > 64 << 10) return null;
        String text = Files.readString(p, StandardCharsets.UTF_8);
        if (!text.startsWith(MARKER_TEXT) || !text.endsWith("\n")) return null;
        return text.substring(MARKER_TEXT.length(), text.length() - 1);
    }

    /** Writes the marker at the top of {@code target}, durably, before anything else is made there. */
    private static Path writeMarker(Path target, String url) {
        Path marker = target.resolve(MARKER);
        try {
            Files.writeString(marker, MARKER_TEXT + url + "\n", StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(marker, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            return marker;
        } catch (IOException e) {
            throw new ForgeException("cannot write " + marker + ": " + e.getMessage(), e);
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ForgeException("cannot move " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    private static void delete(Path marker) {
        try {
            Files.deleteIfExists(marker);
        } catch (IOException e) {
            throw new ForgeException("cannot delete " + marker + ": " + e.getMessage(), e);
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
