package dev.forge.core.media;

import dev.forge.core.error.ForgeException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Recognises PNG, JPEG, WAV and MP4/MOV by their magic bytes and reads what their headers say, through
 * a {@link ByteSource} so that only the bytes of the headers are fetched.
 *
 * <p>Guarantee: malformed, truncated or hostile input never makes a probe throw; what cannot be read
 * is null ("unknown") in the result. Every read is bounded (box and segment counts, a 64 MiB cap on
 * the MP4 movie header), so a crafted file cannot make a probe loop or allocate without limit. Only
 * failures of the storage under the source (integrity, I/O) pass through.
 */
public final class MediaProbe {
    private MediaProbe() {}

    /** What a probe found, and how to turn changed bytes into time ({@code timeMap} null: no such mapping). */
    public record Probe(MediaInfo info, TimeMap timeMap) {}

    /** The media information of {@code src}, or null when it is not a format this knows. */
    public static Probe probe(ByteSource src) {
        byte[] head = src.read(0, 16);
        Format f = Format.of(head);
        if (f == null) return null;
        try {
            return switch (f) {
                case PNG -> new Probe(ImageHeaders.png(src), null);
                case JPEG -> new Probe(ImageHeaders.jpeg(src), null);
                case WAV -> Wav.probe(src);
                case ISO_BMFF -> IsoBmff.probe(src);
            };
        } catch (ForgeException e) {
            throw e;
        } catch (RuntimeException e) {
            // A parser tripped over malformed bytes it did not anticipate: say what the magic said, no more.
            return new Probe(f.unknown(), null);
        }
    }

    private enum Format {
        PNG,
        JPEG,
        WAV,
        ISO_BMFF;

        static Format of(byte[] h) {
            if (h.length >= 8
                    && (h[0] & 0xff) == 0x89
                    && h[1] == 'P'
                    && h[2] == 'N'
                    && h[3] == 'G'
                    && h[4] == 0x0D
                    && h[5] == 0x0A
                    && h[6] == 0x1A
                    && h[7] == 0x0A) {
                return PNG;
            }
            if (h.length >= 3 && (h[0] & 0xff) == 0xFF && (h[1] & 0xff) == 0xD8 && (h[2] & 0xff) == 0xFF) return JPEG;
            if (h.length >= 12 && Wav.matches(h)) return WAV;
            if (IsoBmff.matches(h)) return ISO_BMFF;
            return null;
        }

        MediaInfo unknown() {
            return switch (this) {
                case PNG -> new MediaInfo.Image("png", null, null, null, null);
                case JPEG -> new MediaInfo.Image("jpeg", null, null, null, null);
                case WAV -> new MediaInfo.Audio("wav", null, null, null, null, null);
                case ISO_BMFF -> new MediaInfo.Video(null, null, null, List.of());
            };
        }
    }

    /** Sorts and merges touching or overlapping ranges. */
    static List<TimeRange> merge(List<TimeRange> ranges) {
        List<TimeRange> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingDouble(TimeRange::start));
        List<TimeRange> out = new ArrayList<>();
        for (TimeRange r : sorted) {
            TimeRange last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && r.start() <= last.end() + 1e-9) {
                if (r.end() > last.end()) out.set(out.size() - 1, new TimeRange(last.start(), r.end()));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    /** Whether any of {@code ranges} (sorted, disjoint) overlaps {@code [offset, offset+length)}. */
    static boolean overlaps(List<ByteRange> ranges, long offset, long length) {
        if (length <= 0) return false;
        long end = offset + length;
        int lo = 0;
        int hi = ranges.size() - 1;
        int found = -1; // the last range that starts before end
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (ranges.get(mid).offset() < end) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found >= 0 && ranges.get(found).end() > offset;
    }

    static String fourcc(byte[] b, int off) {
        char[] c = new char[4];
        for (int i = 0; i < 4; i++) {
            int v = b[off + i] & 0xff;
            c[i] = v >= 0x20 && v < 0x7f ? (char) v : '?';
        }
        return new String(c);
    }

    static Integer toInt(long v) {
        return v >= 0 && v <= Integer.MAX_VALUE ? (int) v : null;
    }
}
