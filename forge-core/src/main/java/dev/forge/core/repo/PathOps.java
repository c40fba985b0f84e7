package dev.forge.core.repo;

import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.WouldOverwriteException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.MetadataStore;
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
        SortedMap<String, StageEntry> stage = Status.stage(repo);
        ObjectId stageBefore = repo.snapshot(stage.values());
        List<StageEntry> chosen = select(cwd, args, stage);
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
        MetadataStore.Update u = repo.meta().newUpdate();
        List<String> removed = new ArrayList<>();
        for (StageEntry e : chosen) {
            u.deleteStage(e.path()).deleteStat(e.path());
            stage.remove(e.path());
            removed.add(e.path());
            if (!cached) {
                try {
                    Files.deleteIfExists(repo.workTree().resolve(e.path()));
                    WorkTreeMove.pruneEmptyParents(
                            repo.root(), repo.workTree().resolve(e.path()).getParent());
                } catch (IOException ex) {
                    throw Repository.io("cannot delete " + e.path(), ex);
                }
            }
        }
        var head = repo.head();
        repo.record(
                u,
                "rm " + String.join(" ", args),
                head,
                head,
                List.of(),
                stageBefore,
                repo.snapshot(stage.values()),
                false);
        u.commit();
        return removed;
    }

    /** Renames a tracked file or directory in the work tree and the stage. */
    public List<String> mv(Path cwd, String from, String to) {
        WorkTree wt = repo.workTree();
        String src = wt.relativize(cwd, from);
        String dst = wt.relativize(cwd, to);
        if (src.isEmpty() || dst.isEmpty()) throw new InvalidInputException("cannot move the repository root");
        SortedMap<String, StageEntry> stage = Status.stage(repo);
        ObjectId stageBefore = repo.snapshot(stage.values());
        Path dstPath = wt.resolve(dst);
        if (Files.isDirectory(dstPath, LinkOption.NOFOLLOW_LINKS)) {
            dst = dst + "/" + wt.resolve(src).getFileName();
            dstPath = wt.resolve(dst);
        }
        if (Files.exists(dstPath, LinkOption.NOFOLLOW_LINKS))
            throw new WouldOverwriteException("'" + dst + "' exists; move or delete it first");
        if (WorkTree.under(dst, src)) throw new InvalidInputException("cannot move '" + src + "' into itself");
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
        MetadataStore.Update u = repo.meta().newUpdate();
        List<String> moved = new ArrayList<>();
        for (StageEntry e : moving) {
            String np = dst + e.path().substring(src.length());
            StageEntry ne = new StageEntry(np, e.kind(), e.content());
            u.deleteStage(e.path()).putStage(ne);
            repo.meta().stat(e.path()).ifPresent(s -> u.putStat(np, s));
            u.deleteStat(e.path());
            stage.remove(e.path());
            stage.put(np, ne);
            moved.add(np);
        }
        var head = repo.head();
        repo.record(
                u, "mv " + src + " " + dst, head, head, List.of(), stageBefore, repo.snapshot(stage.values()), false);
        u.commit();
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
