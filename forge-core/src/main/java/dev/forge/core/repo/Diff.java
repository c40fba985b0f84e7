package dev.forge.core.repo;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.media.ByteRange;
import dev.forge.core.media.ByteSource;
import dev.forge.core.media.MediaInfo;
import dev.forge.core.media.MediaProbe;
import dev.forge.core.media.TimeRange;
import dev.forge.core.model.ChunkList;
import dev.forge.core.model.ContentRef;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.Tree;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.StageEntry;
import dev.forge.core.port.StatEntry;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code forge diff}: what changed between two versions of the tracked files, told the way it matters
 * for large media. For every changed file: old and new size and the <em>new bytes</em>, the bytes of
 * the new version that lie in chunks the old version of that file does not have, computed from the two
 * chunk lists alone (no chunk payload is read for it; a work-tree file is chunked and hashed, not
 * stored). With details: a unified diff for text files, and for images, video and WAV what their
 * headers say on both sides, with the new bytes mapped to time ranges where the container allows.
 *
 * <p>Sides: no revision compares the stage with the work tree; one compares that commit with the work
 * tree; two compare the first commit with the second. The work tree side is the tracked files (the
 * paths in the stage) as they are on disk; untracked files are not part of a diff (status lists them).
 * Nothing is written: diff leaves the stat cache and the store as they were.
 */
public final class Diff {
    /** Files above this size on either side get no text diff. */
    static final int TEXT_LIMIT = 1 << 20;
    /** Like git: a NUL in the first 8 KiB makes a file binary. */
    private static final int BINARY_PROBE = 8 << 10;

    private static final int CONTEXT_LINES = 3;
    private static final Pattern HUNK = Pattern.compile("@@ -(\\d+),(\\d+) \\+(\\d+),(\\d+) @@(.*)");

    private final Repository repo;

    public Diff(Repository repo) {
        this.repo = repo;
    }

    public enum SideKind {
        COMMIT,
        STAGE,
        WORK_TREE
    }

    /** One side of a diff: {@code rev} as the user wrote it and {@code commit} it names (COMMIT only). */
    public record Side(SideKind kind, String rev, ObjectId commit) {}

    /**
     * One changed file. Sizes are 0 on a side where the file does not exist ({@code change} says which).
     * {@code newRanges}: the byte ranges of the new version that {@code newBytes} counts, merged and in
     * order. The details are null when not asked for or not applicable: {@code oldMedia}/{@code newMedia}
     * when that side is not a recognised media file, {@code changedTimes} when the new version's format
     * has no time mapping, {@code unifiedDiff} (the lines of a unified diff with 3 lines of context and
     * its {@code ---}/{@code +++} header; empty when the texts differ in nothing a line diff shows) when
     * either side is not text.
     */
    public record FileDiff(
            String path,
            Status.ChangeKind change,
            FileKind oldKind,
            FileKind newKind,
            long oldSize,
            long newSize,
            long newBytes,
            List<ByteRange> newRanges,
            MediaInfo oldMedia,
            MediaInfo newMedia,
            List<TimeRange> changedTimes,
            List<String> unifiedDiff) {}

    public record Result(Side from, Side to, List<FileDiff> files) {
        public long oldSize() {
            return files.stream().mapToLong(FileDiff::oldSize).sum();
        }

        public long newSize() {
            return files.stream().mapToLong(FileDiff::newSize).sum();
        }

        public long newBytes() {
            return files.stream().mapToLong(FileDiff::newBytes).sum();
        }

        public long count(Status.ChangeKind kind) {
            return files.stream().filter(f -> f.change() == kind).count();
        }
    }

    /** One version of one file; {@code chunks} null: read the list from the store when needed. */
    private record Version(FileKind kind, ContentRef content, List<ChunkList.ChunkRef> chunks, Path file) {}

    /**
     * @param cwd the directory {@code paths} are relative to
     * @param revs none (stage to work tree), one (that commit to work tree) or two (first to second)
     * @param paths files or directories to restrict the diff to; empty for everything
     * @param details also make text diffs and read media headers ({@code --stat} does without)
     */
    public Result run(Path cwd, List<String> revs, List<String> paths, boolean details, ProgressListener progress) {
        if (revs.size() > 2) {
            throw new InvalidInputException(
                    "diff takes at most two revisions, got " + revs.size() + "; put paths after --");
        }
        List<String> prefixes = new ArrayList<>();
        for (String p : paths) prefixes.add(repo.workTree().relativize(cwd, p));
        Predicate<String> selected =
                path -> prefixes.isEmpty() || prefixes.stream().anyMatch(pre -> WorkTree.under(path, pre));
        // Resolve every revision before any work, so a typo fails at once.
        List<ObjectId> commits = new ArrayList<>();
        for (String rev : revs) commits.add(repo.resolve(rev));

        Side from;
        SortedMap<String, Version> old;
        if (revs.isEmpty()) {
            from = new Side(SideKind.STAGE, null, null);
            old = versions(repo.stage().entries(), selected);
        } else {
            from = new Side(SideKind.COMMIT, revs.get(0), commits.get(0));
            old = versions(
                    Trees.flatten(
                            repo.objects, repo.objects.commit(commits.get(0)).tree()),
                    selected);
        }
        Side to;
        SortedMap<String, Version> neu;
        if (revs.size() == 2) {
            to = new Side(SideKind.COMMIT, revs.get(1), commits.get(1));
            neu = versions(
                    Trees.flatten(
                            repo.objects, repo.objects.commit(commits.get(1)).tree()),
                    selected);
        } else {
            to = new Side(SideKind.WORK_TREE, null, null);
            neu = workTree(repo.stage().entries(), selected, old, progress);
        }

        SortedSet<String> all = new TreeSet<>(Tree.NAME_ORDER);
        all.addAll(old.keySet());
        all.addAll(neu.keySet());
        List<String> changed = new ArrayList<>();
        LocalContent local = new LocalContent(repo);
        List<Map.Entry<String, ContentRef>> needed = new ArrayList<>();
        for (String path : all) {
            Version o = old.get(path);
            Version n = neu.get(path);
            if (o != null && n != null && o.kind() == n.kind() && Status.sameContent(o.content(), n.content()))
                continue;
            changed.add(path);
            for (Version v : new Version[] {o, n}) {
                if (!readable(local, v)) needed.add(Map.entry(path, v.content()));
            }
        }
        local.ensure(needed, null);
        List<FileDiff> files = new ArrayList<>();
        for (String path : changed) files.add(file(path, old.get(path), neu.get(path), details));
        return new Result(from, to, files);
    }

    /** Whether a side can be read: absent, on disk, chunked already, or stored here (a sparse clone may lack it). */
    private static boolean readable(LocalContent local, Version v) {
        return v == null || v.file() != null || v.chunks() != null || local.has(v.content());
    }

    private static SortedMap<String, Version> versions(Map<String, StageEntry> entries, Predicate<String> selected) {
        SortedMap<String, Version> out = new TreeMap<>(Tree.NAME_ORDER);
        for (StageEntry e : entries.values()) {
            if (selected.test(e.path())) out.put(e.path(), new Version(e.kind(), e.content(), null, null));
        }
        return out;
    }

    /**
     * The tracked files as they are on disk. A file whose stat matches the cache is not read: if the
     * cache says it equals the old side it is the old version, else its chunk list comes from the store
     * when stored. Every other file is chunked and hashed (not stored), in parallel.
     */
    private SortedMap<String, Version> workTree(
            SortedMap<String, StageEntry> tracked,
            Predicate<String> selected,
            SortedMap<String, Version> old,
            ProgressListener progress) {
        SortedMap<String, Version> out = new TreeMap<>(Tree.NAME_ORDER);
        List<WorkFile> toHash = new ArrayList<>();
        for (StageEntry e : tracked.values()) {
            if (!selected.test(e.path())) continue;
            WorkFile f = repo.workTree().stat(e.path());
            if (f == null) continue;
            StatEntry cached = repo.meta().stat(e.path()).orElse(null);
            if (WorkTree.unchanged(f, cached)) {
                Version o = old.get(e.path());
                if (o != null && o.kind() == f.kind() && Status.sameContent(o.content(), cached.content())) {
                    out.put(e.path(), o);
                    continue;
                }
                if (repo.store().objects().contains(cached.content().id())) {
                    out.put(e.path(), new Version(f.kind(), cached.content(), null, f.file()));
                    continue;
                }
            }
            toHash.add(f);
        }
        if (!toHash.isEmpty()) {
            long total = 0;
            for (WorkFile f : toHash) total += f.size();
            progress.begin("Comparing", total, "B");
            List<Ingester.Result> results;
            try {
                results = new Ingester(repo.store().objects(), repo.config(), false, true, progress).run(toHash);
            } finally {
                progress.end();
            }
            for (Ingester.Result r : results) {
                if (r == null) continue; // vanished meanwhile: deleted
                out.put(
                        r.file().path(),
                        new Version(
                                r.file().kind(),
                                r.content(),
                                r.chunks(),
                                r.file().file()));
            }
        }
        return out;
    }

    private FileDiff file(String path, Version o, Version n, boolean details) {
        Status.ChangeKind change = o == null
                ? Status.ChangeKind.ADDED
                : n == null
                        ? Status.ChangeKind.DELETED
                        : o.kind() != n.kind() ? Status.ChangeKind.TYPE_CHANGED : Status.ChangeKind.MODIFIED;
        List<ChunkList.ChunkRef> oldChunks = o == null ? List.of() : chunks(o);
        List<ChunkList.ChunkRef> newChunks = n == null ? List.of() : chunks(n);
        List<ByteRange> ranges = newRanges(oldChunks, newChunks);
        long newBytes = 0;
        for (ByteRange r : ranges) newBytes += r.length();

        MediaInfo oldMedia = null;
        MediaInfo newMedia = null;
        List<TimeRange> times = null;
        List<String> unified = null;
        boolean regular =
                (o == null || o.kind().isFile()) && (n == null || n.kind().isFile());
        if (details && regular) {
            ByteSource os = o == null ? null : source(o, oldChunks);
            ByteSource ns = n == null ? null : source(n, newChunks);
            String oldText = os == null ? "" : text(os);
            String newText = ns == null ? "" : text(ns);
            if (oldText != null && newText != null) {
                unified = unifiedDiff(
                        o == null ? "/dev/null" : "a/" + path, n == null ? "/dev/null" : "b/" + path, oldText, newText);
            } else {
                MediaProbe.Probe op = os == null ? null : MediaProbe.probe(os);
                MediaProbe.Probe np = ns == null ? null : MediaProbe.probe(ns);
                oldMedia = op == null ? null : op.info();
                newMedia = np == null ? null : np.info();
                if (o != null && np != null && np.timeMap() != null)
                    times = np.timeMap().times(ranges);
            }
        }
        return new FileDiff(
                path,
                change,
                o == null ? null : o.kind(),
                n == null ? null : n.kind(),
                o == null ? 0 : o.content().size(),
                n == null ? 0 : n.content().size(),
                newBytes,
                ranges,
                oldMedia,
                newMedia,
                times,
                unified);
    }

    private List<ChunkList.ChunkRef> chunks(Version v) {
        return v.chunks() != null ? v.chunks() : repo.objects.chunks(v.content());
    }

    private ByteSource source(Version v, List<ChunkList.ChunkRef> chunks) {
        return v.file() != null
                ? new WorkFileBytes(v.file(), v.content().size())
                : new StoredFileBytes(repo.objects, chunks);
    }

    /** The ranges of {@code newChunks} whose chunk ids {@code oldChunks} does not have, merged. */
    static List<ByteRange> newRanges(List<ChunkList.ChunkRef> oldChunks, List<ChunkList.ChunkRef> newChunks) {
        Set<ObjectId> have = new HashSet<>();
        for (ChunkList.ChunkRef c : oldChunks) have.add(c.id());
        List<ByteRange> out = new ArrayList<>();
        long offset = 0;
        for (ChunkList.ChunkRef c : newChunks) {
            if (c.length() > 0 && !have.contains(c.id())) {
                ByteRange last = out.isEmpty() ? null : out.get(out.size() - 1);
                if (last != null && last.end() == offset) {
                    out.set(out.size() - 1, new ByteRange(last.offset(), last.length() + c.length()));
                } else {
                    out.add(new ByteRange(offset, c.length()));
                }
            }
            offset += c.length();
        }
        return out;
    }

    /** The file as text: at most TEXT_LIMIT bytes, no NUL in the first 8 KiB, valid UTF-8; else null. */
    static String text(ByteSource src) {
        if (src.size() > TEXT_LIMIT) return null;
        byte[] b = src.read(0, (int) src.size());
        for (int i = 0; i < Math.min(b.length, BINARY_PROBE); i++) {
            if (b[i] == 0) return null;
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * A unified diff made by java-diff-utils. Lines are compared with their line ends, so a change of
     * line ending or of the final newline shows; a last line without one is followed by git's "\ No
     * newline at end of file".
     */
    static List<String> unifiedDiff(String oldName, String newName, String oldText, String newText) {
        List<String> a = lines(oldText);
        List<String> b = lines(newText);
        Patch<String> patch = DiffUtils.diff(a, b);
        if (patch.getDeltas().isEmpty()) return List.of();
        List<String> raw = UnifiedDiffUtils.generateUnifiedDiff(oldName, newName, a, patch, CONTEXT_LINES);
        List<String> out = new ArrayList<>(raw.size() + 2);
        for (int i = 0; i < raw.size(); i++) {
            String line = raw.get(i);
            if (i < 2) {
                out.add(line);
            } else if (line.startsWith("@@")) {
                out.add(hunkHeader(line));
            } else if (line.endsWith("\n")) {
                out.add(line.substring(0, line.length() - 1));
            } else {
                out.add(line);
                out.add("\\ No newline at end of file");
            }
        }
        return out;
    }

    /**
     * A side with no lines in a hunk names the line after which the change goes, as diff(1) and git
     * write it ({@code -0,0} for a new file); java-diff-utils names the line before which.
     */
    private static String hunkHeader(String line) {
        Matcher m = HUNK.matcher(line);
        if (!m.matches()) return line;
        long a = Long.parseLong(m.group(1));
        long b = Long.parseLong(m.group(2));
        long c = Long.parseLong(m.group(3));
        long d = Long.parseLong(m.group(4));
        return "@@ -" + (b == 0 ? a - 1 : a) + "," + b + " +" + (d == 0 ? c - 1 : c) + "," + d + " @@" + m.group(5);
    }

    /** The lines of {@code text}, each with its '\n' (the last one may have none). */
    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                out.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) out.add(text.substring(start));
        return out;
    }
}
