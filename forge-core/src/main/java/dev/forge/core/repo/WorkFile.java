package dev.forge.core.repo;

import dev.forge.core.model.FileKind;
import java.nio.file.Path;

/** A file, executable or symlink found in the work tree, with the stat fields the cache compares. */
record WorkFile(String path, Path file, FileKind kind, long size, long mtimeNanos, long inode) {}
