package dev.forge.core.repo;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.model.FileKind;
import dev.forge.core.port.StatEntry;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The user's files: path naming ('/'-separated, relative to the root), scanning with the ignore rules,
 * and stat. {@code .forge} is never part of the work tree.
 */
final class WorkTree {
  private final Path root;
  private final IgnoreRules ignore;

  WorkTree(Path root) {
    this.root = root.toAbsolutePath().normalize();
    try {
      this.ignore = IgnoreRules.load(this.root);
    } catch (IOException e) {
      throw new ForgeException("cannot read .forgeignore: " + e.getMessage(), e);
    }
  }

  Path root() {
    return root;
  }

  /** The repository path of a user argument (relative to {@code cwd}); "" is the root. */
  String relativize(Path cwd, String arg) {
    Path abs = cwd.resolve(arg).toAbsolutePath().normalize();
    if (!abs.startsWith(root)) throw new InvalidInputException("'" + arg + "' is outside the repository " + root);
    String rel = root.relativize(abs).toString().replace('\\', '/');
    if (rel.equals(".forge") || rel.startsWith(".forge/")) {
      throw new InvalidInputException("'" + arg + "' is inside .forge, which forge manages itself");
    }
    return rel;
  }

  Path resolve(String path) {
    return path.isEmpty() ? root : root.resolve(path);
  }

  boolean ignored(String path, boolean dir) {
    return ignore.ignored(path, dir);
  }

  /** Stats one path without following symlinks; null when it does not exist or is not a file kind Forge tracks. */
  WorkFile stat(String path) {
    return stat(path, resolve(path));
  }

  /** Stats {@code p}, naming it {@code path}; null when missing or not a file, executable or symlink. */
  static WorkFile stat(String path, Path p) {
    try {
      Map<String, Object> a = Files.readAttributes(p, "unix:mode,ino,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
      return toWorkFile(path, p, a);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new ForgeException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  private static WorkFile toWorkFile(String path, Path p, Map<String, Object> a) {
    int mode = (Integer) a.get("mode");
    int type = mode & 0170000;
    FileKind kind;
    if (type == 0100000) {
      kind = (mode & 0100) != 0 ? FileKind.EXECUTABLE : FileKind.FILE;
    } else if (type == 0120000) {
      kind = FileKind.SYMLINK;
    } else {
      return null;
    }
    long mtime = ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS);
    return new WorkFile(path, p, kind, (Long) a.get("size"), mtime, (Long) a.get("ino"));
  }

  /**
   * Every tracked-kind file at or under {@code path} that is not ignored, sorted by path. A named file
   * is returned even when ignored (the user asked for it). Missing paths throw NotFoundException.
   */
  List<WorkFile> scan(String path) {
    Path start = resolve(path);
    if (!Files.exists(start, LinkOption.NOFOLLOW_LINKS)) {
      throw new NotFoundException("path not found: " + (path.isEmpty() ? "." : path));
    }
    List<WorkFile> out = new ArrayList<>();
    if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
      WorkFile f = stat(path);
      if (f != null) out.add(f);
      return out;
    }
    try {
      Files.walkFileTree(start, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          String rel = rel(dir);
          if (!rel.isEmpty() && (dir.getFileName().toString().equals(".forge") || ignore.ignored(rel, true))) {
            return FileVisitResult.SKIP_SUBTREE;
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          String rel = rel(file);
          if (ignore.ignored(rel, false) || file.getFileName().toString().startsWith(".forge-tmp-")) return FileVisitResult.CONTINUE;
          Map<String, Object> a = Files.readAttributes(file, "unix:mode,ino,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
          WorkFile f = toWorkFile(rel, file, a);
          if (f != null) out.add(f);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
          if (exc instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
          throw exc;
        }
      });
    } catch (IOException e) {
      throw new ForgeException("cannot scan " + start + ": " + e.getMessage(), e);
    }
    out.sort((a, b) -> dev.forge.core.model.Tree.NAME_ORDER.compare(a.path(), b.path()));
    return out;
  }

  private String rel(Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  /**
   * Whether a stat taken at wall-clock {@code statTimeNanos} may be cached. A file rewritten within the
   * same timestamp tick as the stat we took would keep its size and mtime and look unchanged, so only
   * files whose mtime is older than one tick before the stat are cached. The tick is taken as 2 s
   * when the mtime has no sub-second part (FAT, some NFS and older file systems store whole
   * seconds), otherwise 100 ms: far above the few milliseconds of the coarse clock that ext4, XFS and
   * btrfs stamp files with.
   */
  static boolean cacheable(WorkFile f, long statTimeNanos) {
    long tick = f.mtimeNanos() % 1_000_000_000L == 0 ? 2_000_000_000L : 100_000_000L;
    return f.mtimeNanos() < statTimeNanos - tick;
  }

  /** Whether the cached stat still describes the file, so its cached content can be trusted. */
  static boolean unchanged(WorkFile f, StatEntry cached) {
    return cached != null && cached.size() == f.size() && cached.mtimeNanos() == f.mtimeNanos() && cached.inode() == f.inode();
  }

  /** Whether {@code path} is at or under {@code prefix} ("" is the root). */
  static boolean under(String path, String prefix) {
    return prefix.isEmpty() || path.equals(prefix) || path.startsWith(prefix + "/");
  }
}
