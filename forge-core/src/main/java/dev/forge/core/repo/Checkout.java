package dev.forge.core.repo;

import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.WouldOverwriteException;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.RefNames;
import dev.forge.core.model.Tree;
import dev.forge.core.port.MetadataStore;
import dev.forge.core.port.Operation;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.StageEntry;
import dev.forge.core.port.StatEntry;
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

  Checkout(Repository repo) {
    this.repo = repo;
  }

  public record Result(ObjectId commit, String branch, int written, int removed, long bytes, double seconds) {}

  public Result run(String rev, boolean force, ProgressListener progress) {
    long start = System.nanoTime();
    ObjectId commit = repo.resolve(rev);
    String branch = repo.store().metadata().ref(RefNames.branch(rev)).isPresent() ? rev : null;
    SortedMap<String, StageEntry> target = Trees.flatten(repo.objects, repo.objects.commit(commit).tree());
    SortedMap<String, StageEntry> current = Status.stage(repo);
    WorkTree wt = repo.workTree();

    List<StageEntry> toWrite = new ArrayList<>();
    List<String> toRemove = new ArrayList<>();
    List<String> blocked = new ArrayList<>();
    for (StageEntry t : target.values()) {
      StageEntry cur = current.get(t.path());
      WorkFile f = wt.stat(t.path());
      boolean sameAsTarget = f != null && f.kind() == t.kind() && matches(f, t);
      if (sameAsTarget) continue;
      toWrite.add(t);
      if (cur == null) {
        if (f != null || Files.exists(wt.resolve(t.path()), LinkOption.NOFOLLOW_LINKS)) blocked.add(t.path() + " (untracked)");
      } else if (f != null && (f.kind() != cur.kind() || !matches(f, cur))) {
        blocked.add(t.path());
      }
    }
    for (StageEntry cur : current.values()) {
      if (target.containsKey(cur.path())) continue;
      WorkFile f = wt.stat(cur.path());
      if (f == null) continue;
      if (f.kind() != cur.kind() || !matches(f, cur)) blocked.add(cur.path());
      toRemove.add(cur.path());
    }
    if (!blocked.isEmpty() && !force) {
      throw new WouldOverwriteException("checkout would overwrite uncommitted changes in " + blocked.size() + " file"
          + (blocked.size() == 1 ? "" : "s") + " (" + preview(blocked) + "); commit them, or use --force to discard them");
    }
    Head before = repo.head();
    try {
      for (String path : toRemove) {
        Files.deleteIfExists(wt.resolve(path));
        pruneEmptyParents(wt.root(), wt.resolve(path).getParent());
      }
      if (force) {
        for (StageEntry t : toWrite) clearBlockers(wt.root(), t.path());
      }
    } catch (IOException e) {
      throw Repository.io("cannot update the work tree", e);
    }
    long bytes = 0;
    for (StageEntry t : toWrite) bytes += t.content().size();
    progress.begin("Checking out", bytes, "B");
    try {
      new ContentWriter(repo.objects, progress).writeAll(wt.root(), toWrite);
    } finally {
      progress.end();
    }
    Head after = branch != null ? new Head.OnBranch(branch) : new Head.Detached(commit);
    MetadataStore.Update u = repo.meta().newUpdate().clearStage().setHead(after);
    for (StageEntry t : target.values()) u.putStage(t);
    long racyLimit = System.currentTimeMillis() * 1_000_000L - Add.RACY_NANOS;
    for (StageEntry t : toWrite) {
      WorkFile f = wt.stat(t.path());
      if (f != null && f.mtimeNanos() < racyLimit) u.putStat(t.path(), new StatEntry(f.size(), f.mtimeNanos(), f.inode(), t.content()));
      else u.deleteStat(t.path());
    }
    for (String path : toRemove) u.deleteStat(path);
    repo.record(u, "checkout " + rev, before, after, List.<Operation.RefChange>of());
    u.commit();
    return new Result(commit, branch, toWrite.size(), toRemove.size(), bytes, (System.nanoTime() - start) / 1e9);
  }

  /** Writes the tree of {@code rev} into {@code dir}, which must be empty or absent. HEAD does not move. */
  public Result into(String rev, Path dir, ProgressListener progress) {
    long start = System.nanoTime();
    ObjectId commit = repo.resolve(rev);
    Path out = dir.toAbsolutePath().normalize();
    try {
      if (Files.exists(out)) {
        if (!Files.isDirectory(out)) throw new InvalidInputException(out + " exists and is not a directory");
        try (var s = Files.list(out)) {
          if (s.findAny().isPresent()) throw new WouldOverwriteException(out + " is not empty; choose an empty or new folder");
        }
      }
      Files.createDirectories(out);
    } catch (IOException e) {
      throw Repository.io("cannot create " + out, e);
    }
    SortedMap<String, StageEntry> target = Trees.flatten(repo.objects, repo.objects.commit(commit).tree());
    long bytes = 0;
    for (StageEntry t : target.values()) bytes += t.content().size();
    progress.begin("Checking out", bytes, "B");
    try {
      new ContentWriter(repo.objects, progress).writeAll(out, new ArrayList<>(target.values()));
    } finally {
      progress.end();
    }
    return new Result(commit, null, target.size(), 0, bytes, (System.nanoTime() - start) / 1e9);
  }

  /**
   * Puts back files from the stage, or from {@code source} when given, overwriting the work tree's
   * version (that is what restore is for: the paths are named explicitly).
   */
  public Result restore(Path cwd, List<String> paths, String source, ProgressListener progress) {
    long start = System.nanoTime();
    SortedMap<String, StageEntry> from = source == null ? Status.stage(repo)
        : Trees.flatten(repo.objects, repo.objects.commit(repo.resolve(source)).tree());
    WorkTree wt = repo.workTree();
    SortedMap<String, StageEntry> chosen = new TreeMap<>(Tree.NAME_ORDER);
    for (String arg : paths) {
      String rel = wt.relativize(cwd, arg);
      int before = chosen.size();
      for (StageEntry e : from.values()) {
        if (WorkTree.under(e.path(), rel)) chosen.put(e.path(), e);
      }
      if (chosen.size() == before) {
        throw new NotFoundException("path not found in " + (source == null ? "the stage" : source) + ": " + arg);
      }
    }
    long bytes = 0;
    for (StageEntry e : chosen.values()) bytes += e.content().size();
    progress.begin("Restoring", bytes, "B");
    try {
      new ContentWriter(repo.objects, progress).writeAll(wt.root(), new ArrayList<>(chosen.values()));
    } finally {
      progress.end();
    }
    return new Result(source == null ? null : repo.resolve(source), null, chosen.size(), 0, bytes, (System.nanoTime() - start) / 1e9);
  }

  /** Streams the bytes of {@code REV:PATH} to {@code out}. */
  public void show(String spec, OutputStream out) throws IOException {
    int colon = spec.indexOf(':');
    if (colon < 0) throw new InvalidInputException("expected REV:PATH, got '" + spec + "'");
    String rev = colon == 0 ? "HEAD" : spec.substring(0, colon);
    String path = spec.substring(colon + 1);
    while (path.startsWith("/")) path = path.substring(1);
    if (path.startsWith("./")) path = path.substring(2);
    SortedMap<String, StageEntry> files = Trees.flatten(repo.objects, repo.objects.commit(repo.resolve(rev)).tree());
    StageEntry e = files.get(path);
    if (e == null) throw new NotFoundException("path '" + path + "' does not exist in " + rev);
    new ContentWriter(repo.objects, ProgressListener.NONE).copyTo(e, out);
    out.flush();
  }

  private boolean matches(WorkFile f, StageEntry e) {
    if (f.size() != e.content().size()) return false;
    StatEntry cached = repo.meta().stat(f.path()).orElse(null);
    if (WorkTree.unchanged(f, cached)) return Status.sameContent(cached.content(), e.content());
    Ingester.Result r = new Ingester(repo.store().objects(), repo.config(), false, ProgressListener.NONE).run(List.of(f)).get(0);
    return r != null && Status.sameContent(r.content(), e.content());
  }

  private static void clearBlockers(Path root, String path) throws IOException {
    Path target = root.resolve(path);
    for (Path p = target.getParent(); p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
      if (Files.isSymbolicLink(p) || (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
        Files.delete(p);
      }
    }
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) ContentWriter.deleteTree(target);
  }

  private static void pruneEmptyParents(Path root, Path dir) throws IOException {
    for (Path p = dir; p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
      try (var s = Files.list(p)) {
        if (s.findAny().isPresent()) return;
      }
      Files.delete(p);
    }
  }

  private static String preview(List<String> paths) {
    return paths.size() <= 3 ? String.join(", ", paths) : String.join(", ", paths.subList(0, 3)) + ", ...";
  }

}
