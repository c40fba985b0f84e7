package dev.forge.core.repo;

import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.WouldOverwriteException;
import dev.forge.core.port.StageEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/** {@code forge rm} and {@code forge mv}: stage removals and renames (with the files, unless --cached). */
public final class PathOps {
    private final Repository repo;

    public PathOps(Repository repo) {
        this.repo = repo;
    }

    /**
     * Removes tracked paths from the stage and, unless {@code cached}, from the work tree. A file whose
     * work-tree content differs from the stage is refused without {@code force}: its changes would be lost.
     */
    public List<String> rm(Path cwd, List<String> args, boolean cached, boolean force) {
        Transaction tx = repo.begin("rm " + String.join(" ", args));
        List<StageEntry> chosen = select(cwd, args, tx.stage().entries());
        if (!cached && !force) {
            List<String> modified = new ArrayList<>();
            for (StageEntry e : chosen) {
                WorkFile f = repo.workTree().stat(e.path());
                if (f != null && !WorkTreeMove.matches(repo, f, e)) modified.add(e.path());
            }
            if (!modified.isEmpty()) {
                throw new WouldOverwriteException("'" + modified.get(0) + "'"
                        + (modified.size() > 1 ? " and " + (modified.size() - 1) + " more" : "")
                        + " has changes that are not staged; use --cached to keep the file, or --force to delete it");
            }
        }
        List<String> removed = new ArrayList<>();
        for (StageEntry e : chosen) {
            tx.deleteStage(e.path()).deleteStat(e.path());
            removed.add(e.path());
            // A path beyond a symlink is not in the work tree: deleting it would delete what the link points to.
            if (!cached && repo.workTree().stat(e.path()) != null) {
                try {
                    Files.deleteIfExists(repo.workTree().resolve(e.path()));
                    WorkTreeMove.pruneEmptyParents(
                            repo.root(), repo.workTree().resolve(e.path()).getParent());
                } catch (IOException ex) {
                    throw Repository.io("cannot delete " + e.path(), ex);
                }
            }
        }
        tx.commit();
        return removed;
    }

    /** Renames a tracked file or directory in the work tree and the stage. */
    public List<String> mv(Path cwd, String from, String to) {
        WorkTree wt = repo.workTree();
        String src = wt.relativize(cwd, from);
        String dst = wt.relativize(cwd, to);
        if (src.isEmpty() || dst.isEmpty()) throw new InvalidInputException("cannot move the repository root");
        Transaction tx = repo.begin("mv " + src + " " + dst);
        SortedMap<String, StageEntry> stage = tx.stage().entries();
        Path dstPath = wt.resolve(dst);
        if (Files.isDirectory(dstPath, LinkOption.NOFOLLOW_LINKS)) {
            dst = dst + "/" + wt.resolve(src).getFileName();
            dstPath = wt.resolve(dst);
        }
        if (Files.exists(dstPath, LinkOption.NOFOLLOW_LINKS))
            throw new WouldOverwriteException("'" + dst + "' exists; move or delete it first");
        if (WorkTree.under(dst, src)) throw new InvalidInputException("cannot move '" + src + "' into itself");
        // The stage must not end up holding a path both as a file and as a folder.
        for (int slash = dst.indexOf('/'); slash >= 0; slash = dst.indexOf('/', slash + 1)) {
            String parent = dst.substring(0, slash);
            if (stage.containsKey(parent) && !WorkTree.under(parent, src))
                throw new WouldOverwriteException(
                        "'" + parent + "' is a tracked file (forge rm --cached " + parent + " first, if it is gone)");
        }
        if (!stage.subMap(dst + "/", dst + "0").isEmpty())
            throw new WouldOverwriteException(
                    "'" + dst + "' is a folder of tracked files (forge rm --cached them first)");
        List<StageEntry> moving = new ArrayList<>();
        for (StageEntry e : stage.values()) {
            if (WorkTree.under(e.path(), src)) moving.add(e);
        }
        if (moving.isEmpty()) throw new NotFoundException("'" + from + "' is not tracked (forge add it first)");
        if (!Files.exists(wt.resolve(src), LinkOption.NOFOLLOW_LINKS))
            throw new NotFoundException("path not found: " + from);
        try {
            Files.createDirectories(dstPath.getParent());
            Files.move(wt.resolve(src), dstPath, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw Repository.io("cannot move " + src + " to " + dst, e);
        }
        List<String> moved = new ArrayList<>();
        for (StageEntry e : moving) {
            String np = dst + e.path().substring(src.length());
            tx.deleteStage(e.path()).putStage(new StageEntry(np, e.kind(), e.content()));
            repo.meta().stat(e.path()).ifPresent(s -> tx.putStat(np, s));
            tx.deleteStat(e.path());
            moved.add(np);
        }
        tx.describe("mv " + src + " " + dst).commit();
        return moved;
    }

    private List<StageEntry> select(Path cwd, List<String> args, SortedMap<String, StageEntry> stage) {
        List<StageEntry> out = new ArrayList<>();
        for (String arg : args) {
            String rel = repo.workTree().relativize(cwd, arg);
            int before = out.size();
            for (StageEntry e : stage.values()) {
                if (WorkTree.under(e.path(), rel)) out.add(e);
            }
            if (out.size() == before) throw new NotFoundException("'" + arg + "' is not tracked");
        }
        return out;
    }
}
