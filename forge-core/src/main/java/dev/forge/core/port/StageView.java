package dev.forge.core.port;

import dev.forge.core.model.FileKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The stage and the stat cache, read-only, for comparing a work tree against them ({@code forge
 * status}): entries are found by path and compared field by field without an object per entry. A
 * status of 100,000 unchanged files used to decode every stage and stat entry into objects and two
 * hash maps before it compared anything, and that, with the JIT compiling it as it ran, was a large
 * part of its time (docs/benchmarks.md, issue 16). An entry is an index in {@code [0, size())}.
 */
public interface StageView {
    /** {@link #compareStat}: no cached stat for the path, or it differs from the file's (read the file). */
    int STAT_DIFFERS = 0;
    /** {@link #compareStat}: the cached stat matches and its content is the stage's (unchanged). */
    int STAT_SAME_CONTENT = 1;
    /** {@link #compareStat}: the cached stat matches but its content is not the stage's (modified). */
    int STAT_OTHER_CONTENT = 2;

    int size();

    /** The stage's digest, as {@link MetadataStore#forEachStage} returns it. */
    long digest();

    /** The index of the entry for {@code path}, or -1. */
    int find(String path);

    /** The entry at {@code index}, as an object. */
    StageEntry entry(int index);

    FileKind kind(int index);

    /** The size of the entry's content. */
    long contentSize(int index);

    /**
     * Whether the stat cache holds exactly ({@code size}, {@code mtimeNanos}, {@code inode}) for the
     * entry's path, and then whether its content is the entry's: one of the {@code STAT_} values.
     */
    int compareStat(int index, long size, long mtimeNanos, long inode);

    /** A view over entries and stats already decoded (stores that keep no stage file). */
    static StageView of(List<StageEntry> entries, Map<String, StatEntry> stats, long digest) {
        Map<String, Integer> at = new HashMap<>(entries.size() * 2);
        for (int i = 0; i < entries.size(); i++) at.put(entries.get(i).path(), i);
        return new StageView() {
            @Override
            public int size() {
                return entries.size();
            }

            @Override
            public long digest() {
                return digest;
            }

            @Override
            public int find(String path) {
                Integer i = at.get(path);
                return i == null ? -1 : i;
            }

            @Override
            public StageEntry entry(int index) {
                return entries.get(index);
            }

            @Override
            public FileKind kind(int index) {
                return entries.get(index).kind();
            }

            @Override
            public long contentSize(int index) {
                return entries.get(index).content().size();
            }

            @Override
            public int compareStat(int index, long size, long mtimeNanos, long inode) {
                StageEntry e = entries.get(index);
                StatEntry s = stats.get(e.path());
                if (s == null || s.size() != size || s.mtimeNanos() != mtimeNanos || s.inode() != inode)
                    return STAT_DIFFERS;
                return s.content().equals(e.content()) ? STAT_SAME_CONTENT : STAT_OTHER_CONTENT;
            }
        };
    }
}
