package dev.forge.core.repo;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Line-based three-way merge on top of java-diff-utils' two-way diffs (base to ours, base to
 * theirs): changes to separate regions of the base both apply; identical changes apply once;
 * overlapping different changes become a conflict block with git-style markers.
 */
final class TextMerge {
    private TextMerge() {}

    record Result(String text, int conflicts) {}

    /** Text that is worth a line merge: no NUL in the first 8 KiB, valid UTF-8, at most 8 MiB. */
    static boolean isText(byte[] b) {
        if (b.length > 8 << 20) return false;
        for (int i = 0, n = Math.min(b.length, 8192); i < n; i++) {
            if (b[i] == 0) return false;
        }
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Splits keeping line terminators, so that the merge reproduces the bytes exactly. */
    static List<String> lines(String s) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                out.add(s.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < s.length()) out.add(s.substring(start));
        return out;
    }

    private record Change(int start, int end, List<String> lines) {}

    private static List<Change> changes(List<String> base, List<String> side) {
        List<Change> out = new ArrayList<>();
        for (AbstractDelta<String> d : DiffUtils.diff(base, side).getDeltas()) {
            int s = d.getSource().getPosition();
            out.add(new Change(s, s + d.getSource().size(), d.getTarget().getLines()));
        }
        return out;
    }

    static Result merge(String baseText, String oursText, String theirsText, String oursLabel, String theirsLabel) {
        List<String> base = lines(baseText);
        List<Change> ours = changes(base, lines(oursText));
        List<Change> theirs = changes(base, lines(theirsText));
        StringBuilder out = new StringBuilder();
        int conflicts = 0;
        int pos = 0;
        int i = 0;
        int j = 0;
        while (i < ours.size() || j < theirs.size()) {
            // The next region: start with the earliest change, then absorb every change of either side that
            // overlaps or touches it, so that each region is decided as a whole.
            boolean takeOurs = j >= theirs.size()
                    || (i < ours.size() && ours.get(i).start() <= theirs.get(j).start());
            Change first = takeOurs ? ours.get(i) : theirs.get(j);
            int start = first.start();
            int end = first.end();
            int i0 = i;
            int j0 = j;
            boolean grew = true;
            while (grew) {
                grew = false;
                while (i < ours.size() && overlaps(ours.get(i), start, end)) {
                    end = Math.max(end, ours.get(i).end());
                    i++;
                    grew = true;
                }
                while (j < theirs.size() && overlaps(theirs.get(j), start, end)) {
                    end = Math.max(end, theirs.get(j).end());
                    j++;
                    grew = true;
                }
            }
            for (int k = pos; k < start; k++) out.append(base.get(k));
            List<String> o = apply(base, start, end, ours.subList(i0, i));
            List<String> t = apply(base, start, end, theirs.subList(j0, j));
            if (i == i0) {
                t.forEach(out::append);
            } else if (j == j0 || o.equals(t)) {
                o.forEach(out::append);
            } else {
                conflicts++;
                out.append("<<<<<<< ").append(oursLabel).append('\n');
                appendBlock(out, o);
                out.append("=======\n");
                appendBlock(out, t);
                out.append(">>>>>>> ").append(theirsLabel).append('\n');
            }
            pos = end;
        }
        for (int k = pos; k < base.size(); k++) out.append(base.get(k));
        return new Result(out.toString(), conflicts);
    }

    /**
     * Whether a change (sorted after the region's first) overlaps or touches [start, end). Touching
     * changes are decided together, as diff3 does: edits on adjacent lines from both sides conflict
     * rather than interleave silently.
     */
    private static boolean overlaps(Change c, int start, int end) {
        return c.start() <= end;
    }

    private static List<String> apply(List<String> base, int start, int end, List<Change> changes) {
        List<String> out = new ArrayList<>();
        int p = start;
        for (Change c : changes) {
            for (int k = p; k < c.start(); k++) out.add(base.get(k));
            out.addAll(c.lines());
            p = c.end();
        }
        for (int k = p; k < end; k++) out.add(base.get(k));
        return out;
    }

    private static void appendBlock(StringBuilder out, List<String> lines) {
        for (String l : lines) out.append(l);
        if (!lines.isEmpty() && !lines.get(lines.size() - 1).endsWith("\n")) out.append('\n');
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static boolean same(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }
}
