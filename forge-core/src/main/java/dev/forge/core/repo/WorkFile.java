package dev.forge.core.repo;

import dev.forge.core.model.FileKind;
import java.nio.file.Path;

/**
 * A file, executable or symlink found in the work tree, with the stat fields the cache compares. Its
 * file system {@link #file() Path} is made only when asked for: a status of 100,000 unchanged files
 * reads none of them, and resolving a Path per file was a visible part of its time.
 */
final class WorkFile {
    private final String path;
    private final Path root;
    private Path file;
    private final FileKind kind;
    private final long size;
    private final long mtimeNanos;
    private final long inode;

    WorkFile(String path, Path file, FileKind kind, long size, long mtimeNanos, long inode) {
        this(path, null, file, kind, size, mtimeNanos, inode);
    }

    private WorkFile(String path, Path root, Path file, FileKind kind, long size, long mtimeNanos, long inode) {
        this.path = path;
        this.root = root;
        this.file = file;
        this.kind = kind;
        this.size = size;
        this.mtimeNanos = mtimeNanos;
        this.inode = inode;
    }

    /** A file at {@code path} below the work tree {@code root}, its Path resolved on first use. */
    static WorkFile under(Path root, String path, FileKind kind, long size, long mtimeNanos, long inode) {
        return new WorkFile(path, root, null, kind, size, mtimeNanos, inode);
    }

    String path() {
        return path;
    }

    /** The file's Path (a benign race: two threads may resolve the same, equal Path). */
    Path file() {
        Path f = file;
        if (f == null) file = f = root.resolve(path);
        return f;
    }

    FileKind kind() {
        return kind;
    }

    long size() {
        return size;
    }

    long mtimeNanos() {
        return mtimeNanos;
    }

    long inode() {
        return inode;
    }

    @Override
    public String toString() {
        return "WorkFile[" + path + ", " + kind + ", " + size + " B, mtime " + mtimeNanos + ", inode " + inode + "]";
    }
}
