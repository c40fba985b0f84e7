package dev.forge.core.repo;

import dev.forge.core.chunk.FastCdc;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.WouldOverwriteException;
import dev.forge.core.model.ChunkList;
import dev.forge.core.model.ContentRef;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.model.RefNames;
import dev.forge.core.model.Tree;
import dev.forge.core.port.MergeState;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.StageEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code forge merge}: fast-forward where possible, otherwise a three-way merge of the trees against
 * the merge base. A path changed on one side takes that side; text changed on both sides is merged
 * line by line; anything else changed on both sides is a conflict. Binary conflicts keep ours in the
 * work tree; the other versions stay reachable through {@code forge show :theirs:PATH}. A merge that
 * stops on conflicts records a {@link MergeState}; {@code commit} then records both parents.
 */
public final class Merge {
    private final Repository repo;
    private LocalContent localContent;
    /** Files changed on both sides whose contents a sparse clone lacks, so they cannot be merged here. */
    private final List<String> unfetched = new ArrayList<>();

    public Merge(Repository repo) {
        this.repo = repo;
    }

    public enum Outcome {
        UP_TO_DATE,
        FAST_FORWARD,
        MERGED,
        CONFLICTS
    }

    public record Result(Outcome outcome, ObjectId commit, List<MergeState.Conflict> conflicts, int filesChanged) {}

    public Result run(String rev, String author, ProgressListener progress) {
        CommitOp.checkAuthor(author);
        if (repo.mergeState().isPresent()) {
            throw new ForgeException(
                    "a merge is already in progress; resolve and 'forge commit', or 'forge merge --abort'");
        }
        ObjectId theirs = repo.resolve(rev);
        Head head = repo.head();
        ObjectId ours = repo.headCommit()
                .orElseThrow(() -> new NotFoundException("HEAD has no commit yet; nothing to merge into"));
        if (ours.equals(theirs) || repo.objects.isAncestor(theirs, ours))
            return new Result(Outcome.UP_TO_DATE, ours, List.of(), 0);
        Status.Report status = new Status(repo).run(ProgressListener.NONE);
        if (!status.staged().isEmpty() || !status.unstaged().isEmpty()) {
            throw new WouldOverwriteException("merge needs a clean work tree: commit or restore your "
                    + (status.staged().size() + status.unstaged().size()) + " changed file(s) first");
        }
        if (!status.skipped().isEmpty()) {
            throw new ForgeException("merge needs to read the whole work tree, and cannot read "
                    + SkippedPath.summary(status.skipped()));
        }
        String branchRef = head instanceof Head.OnBranch b ? RefNames.branch(b.branch()) : null;
        if (repo.objects.isAncestor(ours, theirs)) {
            Transaction tx = repo.begin("merge " + rev + " (fast-forward)");
            if (branchRef != null) tx.setRef(branchRef, theirs);
            Head after = branchRef == null ? new Head.Detached(theirs) : head;
            Checkout.Result r = new Checkout(repo).moveTo(tx, theirs, after, false, progress, System.nanoTime());
            return new Result(Outcome.FAST_FORWARD, theirs, List.of(), r.written() + r.removed());
        }
        ObjectId base = repo.objects.mergeBase(ours, theirs);
        localContent = new LocalContent(repo);
        SortedMap<String, StageEntry> b = base == null ? new TreeMap<>(Tree.NAME_ORDER) : files(base);
        SortedMap<String, StageEntry> o = files(ours);
        SortedMap<String, StageEntry> t = files(theirs);
        SortedMap<String, StageEntry> merged = new TreeMap<>(Tree.NAME_ORDER);
        List<MergeState.Conflict> conflicts = new ArrayList<>();
        Set<String> paths = new TreeSet<>(Tree.NAME_ORDER);
        paths.addAll(b.keySet());
        paths.addAll(o.keySet());
        paths.addAll(t.keySet());
        try (ObjectSink sink = new ObjectSink(
                repo.objectStore(),
                repo.config().compression(),
                repo.config().chunking().maxSize())) {
            FastCdc cdc = new FastCdc(repo.config().chunking());
            for (String p : paths) {
                StageEntry be = b.get(p);
                StageEntry oe = o.get(p);
                StageEntry te = t.get(p);
                StageEntry result;
                if (same(oe, te)) {
                    result = oe;
                } else if (same(be, oe)) {
                    result = te;
                } else if (same(be, te)) {
                    result = oe;
                } else {
                    StageEntry textMerged =
                            oe != null && te != null ? textMerge(p, be, oe, te, rev, sink, cdc, conflicts) : null;
                    if (textMerged != null) {
                        result = textMerged;
                    } else {
                        conflicts.add(new MergeState.Conflict(p, be, oe, te));
                        result = oe;
                    }
                }
                if (result != null) merged.put(p, result);
            }
            sink.flush();
        }
        if (!unfetched.isEmpty()) throw LocalContent.notFetched(unfetched, "both sides of the merge");
        WorkTreeMove move = WorkTreeMove.plan(repo, merged, o).check("merge", false);
        Transaction tx = repo.begin("merge " + rev);
        if (!conflicts.isEmpty()) {
            move.apply(false, progress, tx, null);
            tx.setMergeState(new MergeState(ours, theirs, rev, base, conflicts))
                    .describe("merge " + rev + " (stopped on conflicts)")
                    .commit();
            return new Result(Outcome.CONFLICTS, null, conflicts, move.toWrite.size() + move.toRemove.size());
        }
        // The merge commit is durable before anything names it; if the move fails it is merely unreferenced.
        ObjectId commit = CommitOp.write(repo, merged.values(), List.of(ours, theirs), author, "Merge " + rev);
        move.apply(false, progress, tx, repo.objects.commit(commit).tree());
        if (branchRef != null) tx.setRef(branchRef, commit);
        else tx.setHead(new Head.Detached(commit));
        tx.commit();
        return new Result(Outcome.MERGED, commit, List.of(), move.toWrite.size() + move.toRemove.size());
    }

    /** Merges text changed on both sides; a conflict writes markers and is recorded. Null when not text. */
    private StageEntry textMerge(
            String path,
            StageEntry be,
            StageEntry oe,
            StageEntry te,
            String rev,
            ObjectSink sink,
            FastCdc cdc,
            List<MergeState.Conflict> conflicts) {
        if (oe.kind() != te.kind() || oe.kind() == FileKind.SYMLINK) return null;
        if (oe.content().size() > 8 << 20 || te.content().size() > 8 << 20) return null;
        List<StageEntry> sides = be == null ? List.of(oe, te) : List.of(be, oe, te);
        // A purged side (the base, under a retention policy) cannot be merged line by line: a conflict.
        if (!localContent.purged(sides).isEmpty()) return null;
        if (!localContent.missing(sides).isEmpty()) {
            unfetched.add(path);
            return null;
        }
        byte[] ob = bytes(oe);
        byte[] tb = bytes(te);
        byte[] bb = be == null ? new byte[0] : bytes(be);
        if (!TextMerge.isText(ob) || !TextMerge.isText(tb) || !TextMerge.isText(bb)) return null;
        TextMerge.Result r = TextMerge.merge(
                TextMerge.utf8(bb), TextMerge.utf8(ob), TextMerge.utf8(tb), "ours", "theirs (" + rev + ")");
        byte[] out = r.text().getBytes(StandardCharsets.UTF_8);
        StageEntry merged = new StageEntry(path, oe.kind(), store(out, sink, cdc));
        if (r.conflicts() > 0) conflicts.add(new MergeState.Conflict(path, be, oe, te));
        return merged;
    }

    /** Chunks and stores bytes made in memory (a merged text), as add would for a file with them. */
    static ContentRef store(byte[] data, ObjectSink sink, FastCdc cdc) {
        List<ChunkList.ChunkRef> chunks = new ArrayList<>();
        int off = 0;
        do {
            int n = cdc.cut(data, off, data.length - off);
            ObjectId id = sink.hasher().hash(data, off, n);
            sink.putChunk(id, data, off, n, false);
            chunks.add(new ChunkList.ChunkRef(id, n));
            off += n;
        } while (off < data.length);
        if (chunks.size() == 1)
            return new ContentRef(ObjectType.CHUNK, chunks.get(0).id(), data.length);
        return new ContentRef(
                ObjectType.LIST, sink.putObject(ObjectType.LIST, new ChunkList(chunks).encode()), data.length);
    }

    private byte[] bytes(StageEntry e) {
        ByteArrayOutputStream b = new ByteArrayOutputStream((int) e.content().size());
        try {
            new ContentWriter(repo, ProgressListener.NONE).copyTo(e, b);
        } catch (IOException ex) {
            throw Repository.io("cannot read " + e.path(), ex);
        }
        return b.toByteArray();
    }

    private static boolean same(StageEntry a, StageEntry b) {
        if (a == null || b == null) return a == b;
        return a.kind() == b.kind() && Status.sameContent(a.content(), b.content());
    }

    private SortedMap<String, StageEntry> files(ObjectId commit) {
        return Trees.flatten(repo.objects, repo.objects.commit(commit).tree());
    }

    /** {@code forge merge --abort}: back to HEAD's tree in the stage and work tree, merge state gone. */
    public void abort(ProgressListener progress) {
        MergeState m = repo.mergeState().orElseThrow(() -> new ForgeException("no merge in progress"));
        SortedMap<String, StageEntry> target = files(m.ours());
        WorkTreeMove move = WorkTreeMove.plan(repo, target, target);
        Transaction tx = repo.begin("merge --abort");
        move.apply(true, progress, tx, repo.objects.commit(m.ours()).tree());
        tx.clearMergeState().commit();
    }

    /** {@code forge resolve PATH... --ours|--theirs}: takes one side's version into the work tree and stage. */
    public List<String> resolve(Path cwd, List<String> args, boolean theirs, ProgressListener progress) {
        MergeState m = repo.mergeState().orElseThrow(() -> new ForgeException("no merge in progress"));
        List<String> resolved = new ArrayList<>();
        Transaction tx = repo.begin("resolve " + (theirs ? "--theirs " : "--ours ") + String.join(" ", args));
        MergeState next = m;
        // A sparse clone keeps files outside its paths in the stage only: resolving one writes nothing.
        SparsePaths sparse = repo.sparse();
        List<StageEntry> writes = new ArrayList<>();
        List<String> removes = new ArrayList<>();
        for (String arg : args) {
            String path = repo.workTree().relativize(cwd, arg);
            MergeState.Conflict c = m.conflict(path);
            if (c == null) throw new NotFoundException("'" + path + "' is not in conflict");
            StageEntry side = theirs ? c.theirs() : c.ours();
            if (side == null) {
                removes.add(path);
                tx.deleteStage(path).deleteStat(path);
            } else {
                if (sparse.includes(path)) writes.add(side);
                tx.putStage(side).deleteStat(path);
            }
            next = next.without(path);
            resolved.add(path);
        }
        new WorkTreeUpdate(repo).run(writes, removes, false, progress, tx);
        tx.setMergeState(next).commit();
        return resolved;
    }

    /** The {@code :base:}, {@code :ours:} or {@code :theirs:} version of a conflicted path. */
    public Optional<StageEntry> side(String which, String path) {
        MergeState m = repo.mergeState()
                .orElseThrow(() -> new ForgeException("no merge in progress; :" + which + ":PATH needs one"));
        MergeState.Conflict c = m.conflict(path);
        if (c == null) throw new NotFoundException("'" + path + "' is not in conflict");
        StageEntry e = switch (which) {
            case "base" -> c.base();
            case "ours" -> c.ours();
            case "theirs" -> c.theirs();
            default -> throw new InvalidInputException("unknown side ':" + which + ":' (base, ours, theirs)");
        };
        return Optional.ofNullable(e);
    }
}
