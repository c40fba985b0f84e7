package dev.forge.core.repo;

import dev.forge.core.model.ContentRef;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.Tree;
import dev.forge.core.port.MetadataStore;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.StageEntry;
import dev.forge.core.port.StatEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code forge status}: what the next commit would record (HEAD vs stage), what is changed but not
 * staged (stage vs work tree), and what is untracked. Files whose stat matches the cache are not read;
 * changed ones are hashed (not stored), and their fresh stat is cached for the next run.
 */
public final class Status {
  private final Repository repo;

  Status(Repository repo) {
    this.repo = repo;
  }

  public enum ChangeKind {
    ADDED,
    MODIFIED,
    DELETED,
    TYPE_CHANGED
  }

  public record Change(String path, ChangeKind kind) {}

  public record Report(
      String branch,
      Optional<ObjectId> headCommit,
      List<Change> staged,
      List<Change> unstaged,
      List<String> untracked,
      Optional<dev.forge.core.port.MergeState> merge) {
    public boolean clean() {
      return staged.isEmpty() && unstaged.isEmpty() && untracked.isEmpty() && merge.isEmpty();
    }
  }

  public Report run(ProgressListener progress) {
    long wallStart = System.currentTimeMillis() * 1_000_000L;
    Optional<ObjectId> head = repo.headCommit();
    SortedMap<String, StageEntry> committed = head.isPresent()
        ? Trees.flatten(repo.objects, repo.objects.commit(head.get()).tree())
        : new TreeMap<>(Tree.NAME_ORDER);
    SortedMap<String, StageEntry> stage = stage(repo);
    List<Change> staged = diff(committed, stage);

    Map<String, WorkFile> work = new TreeMap<>(Tree.NAME_ORDER);
    for (WorkFile f : repo.workTree().scan("")) work.put(f.path(), f);
    for (String path : stage.keySet()) {
      // Tracked files stay tracked even when an ignore pattern matches them now.
      if (!work.containsKey(path)) {
        WorkFile f = repo.workTree().stat(path);
        if (f != null) work.put(path, f);
      }
    }
    List<Change> unstaged = new ArrayList<>();
    List<String> untracked = new ArrayList<>();
    List<WorkFile> toHash = new ArrayList<>();
    SparsePaths sparse = repo.sparse();
    for (StageEntry e : stage.values()) {
      WorkFile f = work.get(e.path());
      if (f == null && !sparse.includes(e.path())) continue;
      if (f == null) {
        unstaged.add(new Change(e.path(), ChangeKind.DELETED));
      } else if (f.kind() != e.kind()) {
        unstaged.add(new Change(e.path(), ChangeKind.TYPE_CHANGED));
      } else if (f.size() != e.content().size()) {
        unstaged.add(new Change(e.path(), ChangeKind.MODIFIED));
      } else {
        StatEntry cached = repo.meta().stat(e.path()).orElse(null);
        if (WorkTree.unchanged(f, cached)) {
          if (!cached.content().equals(e.content())) unstaged.add(new Change(e.path(), ChangeKind.MODIFIED));
        } else {
          toHash.add(f);
        }
      }
    }
    for (String path : work.keySet()) {
      if (!stage.containsKey(path)) untracked.add(path);
    }
    if (!toHash.isEmpty()) {
      long total = 0;
      for (WorkFile f : toHash) total += f.size();
      progress.begin("Comparing", total, "B");
      List<Ingester.Result> results;
      try {
        results = new Ingester(repo.store().objects(), repo.config(), false, progress).run(toHash);
      } finally {
        progress.end();
      }
      MetadataStore.Update u = repo.meta().newUpdate();
      boolean any = false;
      for (Ingester.Result r : results) {
        if (r == null) continue;
        WorkFile f = r.file();
        if (!r.content().equals(stage.get(f.path()).content())) unstaged.add(new Change(f.path(), ChangeKind.MODIFIED));
        if (r.stable() && WorkTree.cacheable(f, wallStart)) {
          u.putStat(f.path(), new StatEntry(f.size(), f.mtimeNanos(), f.inode(), r.content()));
          any = true;
        }
      }
      if (any) u.commit();
    }
    unstaged.sort((a, b) -> Tree.NAME_ORDER.compare(a.path(), b.path()));
    String branch = repo.head().branchName().orElse(null);
    return new Report(branch, head, staged, unstaged, untracked, repo.mergeState());
  }

  static SortedMap<String, StageEntry> stage(Repository repo) {
    SortedMap<String, StageEntry> stage = new TreeMap<>(Tree.NAME_ORDER);
    repo.meta().forEachStage(e -> stage.put(e.path(), e));
    return stage;
  }

  /** Changes that turn {@code from} into {@code to}, by path. */
  static List<Change> diff(SortedMap<String, StageEntry> from, SortedMap<String, StageEntry> to) {
    List<Change> out = new ArrayList<>();
    for (StageEntry e : to.values()) {
      StageEntry old = from.get(e.path());
      if (old == null) {
        out.add(new Change(e.path(), ChangeKind.ADDED));
      } else if (old.kind() != e.kind()) {
        out.add(new Change(e.path(), ChangeKind.TYPE_CHANGED));
      } else if (!sameContent(old.content(), e.content())) {
        out.add(new Change(e.path(), ChangeKind.MODIFIED));
      }
    }
    for (String path : from.keySet()) {
      if (!to.containsKey(path)) out.add(new Change(path, ChangeKind.DELETED));
    }
    out.sort((a, b) -> Tree.NAME_ORDER.compare(a.path(), b.path()));
    return out;
  }

  static boolean sameContent(ContentRef a, ContentRef b) {
    return a.id().equals(b.id()) && a.size() == b.size();
  }
}
