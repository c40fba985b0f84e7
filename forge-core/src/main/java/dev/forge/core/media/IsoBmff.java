package dev.forge.core.media;

import java.util.ArrayList;
import java.util.List;

/**
 * MP4 and QuickTime MOV (ISO/IEC 14496-12 box trees) read without a media library: the top-level boxes
 * are walked by their sizes with ranged reads (so a movie header at the end of a multi-GiB file costs a
 * few small reads, not a scan), then the {@code moov} box is read whole and parsed in memory:
 * {@code mvhd} (timescale, duration), and per {@code trak}: {@code tkhd} (id, width and height in
 * 16.16), {@code mdhd} (timescale, duration), {@code hdlr} (vide, soun, ...), {@code stsd} (codec
 * fourcc, audio channels and rate), and the sample tables {@code stts}, {@code stsc}, {@code stsz},
 * {@code stco}/{@code co64} that locate every sample, which is how changed bytes become time.
 *
 * <p>Box sizes: 32-bit, 64-bit ({@code size == 1}) and "to the end" ({@code size == 0}). A box that
 * claims more than its parent holds is cut at the parent's end (truncated files still say what they
 * can); anything unreadable is null. Fragmented MP4 ({@code moof}) has no sample tables in {@code
 * moov}: its tracks are listed, without time mapping.
 */
final class IsoBmff {
    /** Movie headers of feature-length files are a few MiB; more than this is not a header. */
    private static final long MAX_MOOV = 64L << 20;

    private static final int MAX_TOP_LEVEL_BOXES = 100_000;
    private static final int MAX_CHILD_BOXES = 100_000;
    /** Bounds the time mapping's single pass (PCM in MOV can have a sample per audio frame). */
    private static final long MAX_SAMPLES = 200_000_000L;

    private IsoBmff() {}

    /** A box's payload {@code [start, end)} in the array that holds it. */
    private record Box(String type, int start, int end) {
        int length() {
            return end - start;
        }
    }

    /** Where one track's sample tables are in the moov bytes (payload starts; -1 when absent). */
    private record SampleTables(long timescale, Box stts, Box stsc, Box stsz, Box stco, boolean co64) {}

    /** An ISO box at offset 0 whose type and size are plausible for the start of a file. */
    static boolean matches(byte[] h) {
        if (h.length < 8) return false;
        long size = u32(h, 0);
        return switch (MediaProbe.fourcc(h, 4)) {
            case "ftyp" -> size >= 8 && size <= 4096;
            case "mdat" -> size == 0 || size == 1 || size >= 8;
            case "moov" -> size == 1 || (size >= 8 && size <= MAX_MOOV);
            case "free", "skip", "wide", "pnot" -> size >= 8 && size <= (1 << 20);
            default -> false;
        };
    }

    static MediaProbe.Probe probe(ByteSource src) {
        long size = src.size();
        String brand = null;
        byte[] moov = null;
        long pos = 0;
        for (int i = 0; i < MAX_TOP_LEVEL_BOXES && pos <= size - 8; i++) {
            byte[] h = src.read(pos, 16);
            if (h.length < 8) break;
            long len = u32(h, 0);
            int header = 8;
            if (len == 1) {
                if (h.length < 16) break;
                len = u64(h, 8);
                header = 16;
            } else if (len == 0) {
                len = size - pos;
            }
            if (len < header) break;
            len = Math.min(len, size - pos);
            String type = MediaProbe.fourcc(h, 4);
            if (type.equals("ftyp") && brand == null && len >= header + 4) {
                byte[] b = src.read(pos + header, 4);
                if (b.length == 4) brand = MediaProbe.fourcc(b, 0);
            } else if (type.equals("moov")) {
                moov = src.read(pos + header, (int) Math.min(len - header, MAX_MOOV));
                break;
            }
            pos += len;
        }
        String container = brand == null || brand.equals("qt  ") ? "mov" : "mp4";
        if (moov == null) return new MediaProbe.Probe(new MediaInfo.Video(container, brand, null, List.of()), null);

        Double duration = null;
        List<MediaInfo.Track> tracks = new ArrayList<>();
        List<SampleTables> tables = new ArrayList<>();
        for (Box b : children(moov, 0, moov.length)) {
            try {
                if (b.type().equals("mvhd")) {
                    duration = mvhdDuration(moov, b);
                } else if (b.type().equals("trak")) {
                    track(moov, b, tracks, tables);
                }
            } catch (RuntimeException e) {
                // One malformed box costs its own fields, not the rest of the movie.
            }
        }
        byte[] m = moov;
        TimeMap map = tables.isEmpty()
                ? null
                : ranges -> {
                    List<TimeRange> out = new ArrayList<>();
                    for (SampleTables t : tables) {
                        try {
                            out.addAll(times(m, t, ranges));
                        } catch (RuntimeException e) {
                            // a malformed table: this track adds nothing
                        }
                    }
                    return MediaProbe.merge(out);
                };
        return new MediaProbe.Probe(new MediaInfo.Video(container, brand, duration, tracks), map);
    }

    private static Double mvhdDuration(byte[] b, Box mvhd) {
        int p = mvhd.start();
        long timescale;
        long duration;
        if (b[p] == 1) {
            timescale = u32(b, p + 20);
            duration = u64(b, p + 24);
        } else {
            timescale = u32(b, p + 12);
            duration = u32(b, p + 16);
            if (duration == 0xffffffffL) return null; // "unknown" in version 0
        }
        return timescale > 0 && duration >= 0 ? (double) duration / timescale : null;
    }

    private static void track(byte[] b, Box trak, List<MediaInfo.Track> tracks, List<SampleTables> tables) {
        Integer id = null;
        Integer width = null;
        Integer height = null;
        Box tkhd = child(b, trak, "tkhd");
        if (tkhd != null) {
            int p = tkhd.start();
            boolean v1 = b[p] == 1;
            id = MediaProbe.toInt(u32(b, p + (v1 ? 20 : 12)));
            int w = p + (v1 ? 88 : 76);
            if (w + 8 <= tkhd.end()) {
                width = MediaProbe.toInt(u32(b, w) >>> 16);
                height = MediaProbe.toInt(u32(b, w + 4) >>> 16);
            }
        }
        Box mdia = child(b, trak, "mdia");
        long timescale = 0;
        long mdhdDuration = -1;
        String handler = null;
        String codec = null;
        Integer channels = null;
        Integer sampleRate = null;
        Long samples = null;
        Double seconds = null;
        SampleTables st = null;
        if (mdia != null) {
            Box mdhd = child(b, mdia, "mdhd");
            if (mdhd != null) {
                int p = mdhd.start();
                if (b[p] == 1) {
                    timescale = u32(b, p + 20);
                    mdhdDuration = u64(b, p + 24);
                } else {
                    timescale = u32(b, p + 12);
                    mdhdDuration = u32(b, p + 16);
                    if (mdhdDuration == 0xffffffffL) mdhdDuration = -1;
                }
            }
            Box hdlr = child(b, mdia, "hdlr");
            if (hdlr != null && hdlr.length() >= 12) handler = MediaProbe.fourcc(b, hdlr.start() + 8);
            Box stbl = child(b, child(b, mdia, "minf"), "stbl");
            Box stsd = child(b, stbl, "stsd");
            if (stsd != null && stsd.length() >= 16 && u32(b, stsd.start() + 4) > 0) {
                int e = stsd.start() + 8; // the first sample entry: size, format, 6 reserved, data reference index
                codec = MediaProbe.fourcc(b, e + 4);
                long entryEnd = Math.min(stsd.end(), e + u32(b, e));
                if ("soun".equals(handler) && e + 36 <= entryEnd) {
                    channels = u16(b, e + 24);
                    sampleRate = MediaProbe.toInt(u32(b, e + 32) >>> 16);
                } else if ("vide".equals(handler) && e + 36 <= entryEnd && (width == null || width == 0)) {
                    width = u16(b, e + 32);
                    height = u16(b, e + 34);
                }
            }
            Box stts = child(b, stbl, "stts");
            long sttsSum = 0;
            long sttsCount = 0;
            if (stts != null && stts.length() >= 8) {
                long n = Math.min(u32(b, stts.start() + 4), (stts.length() - 8) / 8);
                for (int i = 0; i < n; i++) {
                    long count = u32(b, stts.start() + 8 + 8 * i);
                    sttsCount += count;
                    sttsSum += count * u32(b, stts.start() + 12 + 8 * i);
                }
            }
            Box stsz = child(b, stbl, "stsz");
            if (stsz != null && stsz.length() >= 12) {
                samples = u32(b, stsz.start() + 8);
            } else if (sttsCount > 0) {
                samples = sttsCount;
            }
            if (timescale > 0) {
                long d = mdhdDuration > 0 ? mdhdDuration : sttsSum;
                if (d > 0) seconds = (double) d / timescale;
            }
            if (sampleRate == null || sampleRate == 0) {
                if ("soun".equals(handler) && timescale > 0) sampleRate = MediaProbe.toInt(timescale);
            }
            Box stco = child(b, stbl, "stco");
            Box co64 = child(b, stbl, "co64");
            Box stsc = child(b, stbl, "stsc");
            if (timescale > 0 && stts != null && stsc != null && stsz != null && (stco != null || co64 != null)) {
                st = new SampleTables(timescale, stts, stsc, stsz, stco != null ? stco : co64, stco == null);
            }
        }
        Double frameRate = "vide".equals(handler) && samples != null && samples > 0 && seconds != null && seconds > 0
                ? samples / seconds
                : null;
        if (!"vide".equals(handler) && width != null && width == 0) {
            width = null;
            height = null;
        }
        tracks.add(new MediaInfo.Track(
                id, handler, codec, width, height, seconds, samples, frameRate, channels, sampleRate));
        if (st != null) tables.add(st);
    }

    /**
     * One pass over a track's samples in decode order, with each sample's offset (chunk offset plus the
     * sizes of the samples before it in that chunk) and decode time; the samples that overlap {@code
     * ranges} give the track's time ranges.
     */
    private static List<TimeRange> times(byte[] b, SampleTables t, List<ByteRange> ranges) {
        int stsz = t.stsz().start();
        long fixedSize = u32(b, stsz + 4);
        long count = u32(b, stsz + 8);
        if (fixedSize == 0) count = Math.min(count, (t.stsz().length() - 12) / 4);
        if (count > MAX_SAMPLES) return List.of();
        int stco = t.stco().start();
        int entry = t.co64() ? 8 : 4;
        long chunks = Math.min(u32(b, stco + 4), (t.stco().length() - 8) / entry);
        int stsc = t.stsc().start();
        long stscCount = Math.min(u32(b, stsc + 4), (t.stsc().length() - 8) / 12);
        int stts = t.stts().start();
        long sttsCount = Math.min(u32(b, stts + 4), (t.stts().length() - 8) / 8);

        List<TimeRange> out = new ArrayList<>();
        double scale = t.timescale();
        long sample = 0;
        long time = 0;
        int sttsIndex = -1;
        long sttsLeft = 0;
        long delta = 0;
        int stscIndex = 0;
        long runStart = -1; // the current run of overlapping samples, in track time units
        long runEnd = -1;
        for (long chunk = 1; chunk <= chunks && sample < count; chunk++) {
            while (stscIndex + 1 < stscCount && u32(b, stsc + 8 + 12 * (stscIndex + 1)) <= chunk) stscIndex++;
            long perChunk = stscCount > 0 ? u32(b, stsc + 8 + 12 * stscIndex + 4) : 0;
            long offset =
                    t.co64() ? u64(b, stco + 8 + 8 * (int) (chunk - 1)) : u32(b, stco + 8 + 4 * (int) (chunk - 1));
            for (long k = 0; k < perChunk && sample < count; k++) {
                long size = fixedSize != 0 ? fixedSize : u32(b, stsz + 12 + 4 * (int) sample);
                while (sttsLeft == 0 && sttsIndex + 1 < sttsCount) {
                    sttsIndex++;
                    sttsLeft = u32(b, stts + 8 + 8 * sttsIndex);
                    delta = u32(b, stts + 12 + 8 * sttsIndex);
                }
                if (sttsLeft > 0) sttsLeft--;
                if (MediaProbe.overlaps(ranges, offset, size)) {
                    if (runStart >= 0 && time <= runEnd) {
                        runEnd = Math.max(runEnd, time + delta);
                    } else {
                        if (runStart >= 0) out.add(new TimeRange(runStart / scale, runEnd / scale));
                        runStart = time;
                        runEnd = time + delta;
                    }
                }
                time += delta;
                offset += size;
                sample++;
            }
        }
        if (runStart >= 0) out.add(new TimeRange(runStart / scale, runEnd / scale));
        return out;
    }

    /** The child boxes of {@code [from, to)}. */
    private static List<Box> children(byte[] b, int from, int to) {
        List<Box> out = new ArrayList<>();
        int pos = from;
        while (pos <= to - 8 && out.size() < MAX_CHILD_BOXES) {
            long len = u32(b, pos);
            int header = 8;
            if (len == 1) {
                if (pos > to - 16) break;
                len = u64(b, pos + 8);
                header = 16;
            } else if (len == 0) {
                len = to - pos;
            }
            if (len < header) break;
            len = Math.min(len, to - pos);
            out.add(new Box(MediaProbe.fourcc(b, pos + 4), pos + header, (int) (pos + len)));
            pos += (int) len;
        }
        return out;
    }

    /** The first child of {@code parent} named {@code type}; null when absent or when parent is null. */
    private static Box child(byte[] b, Box parent, String type) {
        if (parent == null) return null;
        for (Box c : children(b, parent.start(), parent.end())) {
            if (c.type().equals(type)) return c;
        }
        return null;
    }

    private static int u16(byte[] b, int p) {
        return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
    }

    private static long u32(byte[] b, int p) {
        return ((b[p] & 0xffL) << 24) | ((b[p + 1] & 0xffL) << 16) | ((b[p + 2] & 0xffL) << 8) | (b[p + 3] & 0xffL);
    }

    /** A 64-bit size or offset; values past Long.MAX_VALUE are treated as malformed (negative). */
    private static long u64(byte[] b, int p) {
        return (u32(b, p) << 32) | u32(b, p + 4);
    }
}
