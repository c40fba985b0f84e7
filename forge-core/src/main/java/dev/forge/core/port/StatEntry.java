package dev.forge.core.port;

import dev.forge.core.model.ContentRef;

/**
 * What a work-tree file looked like when Forge last read it, and what it contained then: lets status
 * and add skip files whose size, mtime and inode have not changed.
 */
public record StatEntry(long size, long mtimeNanos, long inode, ContentRef content) {}
