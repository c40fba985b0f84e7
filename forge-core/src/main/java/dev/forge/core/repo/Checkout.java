package dev.forge.core.repo;

import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.WouldOverwriteException;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.RefNames;
import dev.forge.core.model.Tree;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.StageEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Moving the work tree to a commit ({@code checkout}), copying a commit into another folder
 * ({@code checkout --into}), putting back files ({@code restore}) and printing one file ({@code
 * show}). Nothing the user has not committed is overwritten or deleted without {@code --force}: every
 * path the checkout would touch is compared first, and the checkout refuses before writing anything.
 */
public final class Checkout {
    private final Repository repo;

    public Checkout(Repository repo) {
        this.repo = repo;
    }

    /**
     * {@code purged}: files of the commit whose contents were purged (retention policy or obliteration):
     * not written; the command reports them as a partial result (exit 12).
     */
    public record Result(
            ObjectId commit,
            String branch,
            int written,
            int removed,
            long bytes,
            List<String> discarded,
            double seconds,
            List<String> purged) {
        public Result(
                ObjectId commit,
                String branch,
                int written,
                int removed,
                long bytes,
                List<String> discarded,
                double seconds) {
            this(commit, branch, written, removed, bytes, discarded, seconds, List.of());
        }
    }

    public Result run(String rev, boolean force, ProgressListener progress) {
        long start = System.nanoTime();
        ObjectId commit = repo.resolve(rev);
        String branch = repo.meta().ref(RefNames.branch(rev)).isPresent() ? rev : null;
        Head after = branch != null ? new Head.OnBranch(branch) : new Head.Detached(commit);
        return moveTo(repo.begin("checkout " + rev), commit, after, force, progress, start);
    }

    /**
     * Moves HEAD to {@code after} (naming {@code commit}) with the work tree and stage, as part of
     * {@code tx} (which may already hold ref changes), and commits it.
     */
    Result moveTo(Transaction tx, ObjectId commit, Head after, boolean force, ProgressListener progress, long start) {
        ObjectId tree = repo.objects.commit(commit).tree();
        SortedMap<String, StageEntry> target = Trees.flatten(repo.objects, tree);
        if (!dev.forge.core.model.PortablePaths.caseCollisions(target.keySet()).isEmpty()) {
            dev.forge.core.model.PortablePaths.requireDistinctOn(
                    dev.forge.core.model.PortablePaths.caseInsensitive(repo.forgeDir()),
                    target.keySet(),
                    "the work tree");
        }
        WorkTreeMove move =
                WorkTreeMove.plan(repo, target, WorkTreeMove.headFiles(repo)).check(tx.description(), force);
        move.apply(force, progress, tx, tree);
        tx.setHead(after).commit();
        String branch = after instanceof Head.OnBranch b ? b.branch() : null;
        return new Result(
                commit,
                branch,
                move.toWrite.size(),
                move.toRemove.size(),
                move.bytes(),
                move.blocked,
                (System.nanoTime() - start) / 1e9,
                List.copyOf(move.purged));
    }

    /**
     * Writes the tree of {@code rev} into {@code dir}, which must be empty or absent. HEAD does not move.
     * Refuses before creating anything when this sparse clone lacks some of the files' contents; if
     * writing fails part-way, what this command created is removed, so there is never a partial copy.
     */
    public Result into(String rev, Path dir, ProgressListener progress) {
        long start = System.nanoTime();
        ObjectId commit = repo.resolve(rev);
        Path out = dir.toAbsolutePath().normalize();
        SortedMap<String, StageEntry> target =
                Trees.flatten(repo.objects, repo.objects.commit(commit).tree());
        LocalContent local = new LocalContent(repo);
        List<String> purged = new ArrayList<>();
        for (StageEntry e : local.purged(target.values())) {
            purged.add(e.path());
            target.remove(e.path());
        }
        local.require(target.values(), rev);
        Path created = null; // the outermost folder this command creates; null when out exists
        try {
            if (Files.exists(out)) {
                if (!Files.isDirectory(out)) throw new InvalidInputException(out + " exists and is not a directory");
                try (var s = Files.list(out)) {
                    if (s.findAny().isPresent())
                        throw new WouldOverwriteException(out + " is not empty; choose an empty or new folder");
                }
            }
            for (Path p = out; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) created = p;
            Files.createDirectories(out);
            if (!dev.forge.core.model.PortablePaths.caseCollisions(target.keySet())
                    .isEmpty()) {
                try {
                    dev.forge.core.model.PortablePaths.requireDistinctOn(
                            dev.forge.core.model.PortablePaths.caseInsensitive(out), target.keySet(), out.toString());
                } catch (RuntimeException e) {
                    removeCreated(out, created, e);
                    throw e;
                }
            }
        } catch (IOException e) {
            throw Repository.io("cannot create " + out, e);
        }
        long bytes = 0;
        for (StageEntry t : target.values()) bytes += t.content().size();
        progress.begin("Checking out", bytes, "B");
        try {
            new ContentWriter(repo.objects, progress, TempFiles.besideDestination())
                    .writeAll(out, new ArrayList<>(target.values()));
        } catch (RuntimeException | Error e) {
            removeCreated(out, created, e);
            throw e;
        } finally {
            progress.end();
        }
        return new Result(commit, null, target.size(), 0, bytes, List.of(), (System.nanoTime() - start) / 1e9, purged);
    }

    /** Removes {@code created}, or when {@code out} was there already (empty), everything in it. */
    private static void removeCreated(Path out, Path created, Throwable failure) {
        try {
            if (created != null) {
                ContentWriter.deleteTree(created);
            } else {
                try (var s = Files.list(out)) {
                    for (Path c : (Iterable<Path>) s::iterator) ContentWriter.deleteTree(c);
                }
            }
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Puts back files from the stage, or from {@code source} when given, overwriting the work tree's
     * version (that is what restore is for: the paths are named explicitly).
     */
    public Result restore(Path cwd, List<String> paths, String source, ProgressListener progress) {
        long start = System.nanoTime();
        SortedMap<String, StageEntry> from = source == null
                ? repo.stage().entries()
                : Trees.flatten(
                        repo.objects, repo.objects.commit(repo.resolve(source)).tree());
        WorkTree wt = repo.workTree();
        SortedMap<String, StageEntry> chosen = new TreeMap<>(Tree.NAME_ORDER);
        for (String arg : paths) {
            String rel = wt.relativize(cwd, arg);
            int before = chosen.size();
            for (StageEntry e : from.values()) {
                if (WorkTree.under(e.path(), rel)) chosen.put(e.path(), e);
            }
            if (chosen.size() == before) {
                throw new NotFoundException(
                        "path not found in " + (source == null ? "the stage" : source) + ": " + arg);
            }
        }
        new LocalContent(repo).require(chosen.values(), source == null ? "the stage" : source);
        long bytes = 0;
        for (StageEntry e : chosen.values()) bytes += e.content().size();
        new WorkTreeUpdate(repo).run(new ArrayList<>(chosen.values()), List.of(), false, progress, null);
        return new Result(
                source == null ? null : repo.resolve(source),
                null,
                chosen.size(),
                0,
                bytes,
                List.of(),
                (System.nanoTime() - start) / 1e9);
    }

    /** Streams the bytes of {@code REV:PATH} to {@code out}. */
    public void show(String spec, OutputStream out) throws IOException {
        for (String side : List.of("base", "ours", "theirs")) {
            String prefix = ":" + side + ":";
            if (spec.startsWith(prefix)) {
                String path = spec.substring(prefix.length());
                StageEntry e = new Merge(repo)
                        .side(side, path)
                        .orElseThrow(() -> new NotFoundException(
                                "'" + path + "' does not exist on the " + side + " side of the merge"));
                new LocalContent(repo).require(List.of(e), "the " + side + " side of the merge");
                new ContentWriter(repo, ProgressListener.NONE).copyTo(e, out);
                out.flush();
                return;
            }
        }
        int colon = spec.indexOf(':');
        if (colon < 0) throw new InvalidInputException("expected REV:PATH, got '" + spec + "'");
        String rev = colon == 0 ? "HEAD" : spec.substring(0, colon);
        String path = spec.substring(colon + 1);
        while (path.startsWith("/")) path = path.substring(1);
        if (path.startsWith("./")) path = path.substring(2);
        SortedMap<String, StageEntry> files = Trees.flatten(
                repo.objects, repo.objects.commit(repo.resolve(rev)).tree());
        StageEntry e = files.get(path);
        if (e == null) throw new NotFoundException("path '" + path + "' does not exist in " + rev);
        new LocalContent(repo).require(List.of(e), rev);
        new ContentWriter(repo, ProgressListener.NONE).copyTo(e, out);
        out.flush();
    }
}
