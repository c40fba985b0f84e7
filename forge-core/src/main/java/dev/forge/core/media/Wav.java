package dev.forge.core.media;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * WAV files (RIFF/WAVE, and RF64/BW64 whose 64-bit sizes live in a ds64 chunk): the fmt chunk, where
 * the data chunk starts, and so the time of any byte of the audio ({@code (offset - data start) /
 * byte rate}). Reads only the 8-byte chunk headers and the fmt and ds64 chunks.
 */
final class Wav {
    private static final int MAX_CHUNKS = 4096;

    private Wav() {}

    static boolean matches(byte[] h) {
        String riff = MediaProbe.fourcc(h, 0);
        return (riff.equals("RIFF") || riff.equals("RF64") || riff.equals("BW64"))
                && MediaProbe.fourcc(h, 8).equals("WAVE");
    }

    static MediaProbe.Probe probe(ByteSource src) {
        long size = src.size();
        String codec = null;
        Integer channels = null;
        Integer rate = null;
        Integer bits = null;
        long byteRate = 0;
        long dataStart = -1;
        long dataSize = -1;
        long ds64Data = -1;
        long pos = 12;
        for (int i = 0; i < MAX_CHUNKS && pos <= size - 8; i++) {
            ByteBuffer h = le(src.read(pos, 8));
            if (h.capacity() < 8) break;
            String id = MediaProbe.fourcc(h.array(), 0);
            long len = h.getInt(4) & 0xffffffffL;
            if (id.equals("ds64")) {
                ByteBuffer d = le(src.read(pos + 8, 24));
                if (d.capacity() >= 16) ds64Data = d.getLong(8);
            } else if (id.equals("fmt ")) {
                ByteBuffer f = le(src.read(pos + 8, (int) Math.min(len, 40)));
                if (f.capacity() >= 16) {
                    int tag = f.getShort(0) & 0xffff;
                    if (tag == 0xFFFE && f.capacity() >= 26)
                        tag = f.getShort(24) & 0xffff; // extensible: the sub-format
                    codec = switch (tag) {
                        case 1 -> "pcm";
                        case 3 -> "float";
                        default -> String.format(Locale.ROOT, "0x%04x", tag);
                    };
                    channels = f.getShort(2) & 0xffff;
                    rate = MediaProbe.toInt(f.getInt(4) & 0xffffffffL);
                    byteRate = f.getInt(8) & 0xffffffffL;
                    bits = f.getShort(14) & 0xffff;
                    if (byteRate == 0 && rate != null) byteRate = (long) rate * channels * ((bits + 7) / 8);
                }
            } else if (id.equals("data")) {
                dataStart = pos + 8;
                dataSize = len == 0xffffffffL && ds64Data >= 0 ? ds64Data : len;
                dataSize = Math.max(0, Math.min(dataSize, size - dataStart));
                len = dataSize;
            }
            if (codec != null && dataStart >= 0) break;
            pos += 8 + len + (len & 1); // chunks are padded to an even length
        }
        Double duration = byteRate > 0 && dataSize >= 0 ? (double) dataSize / byteRate : null;
        MediaInfo.Audio info = new MediaInfo.Audio("wav", codec, channels, rate, bits, duration);
        if (byteRate <= 0 || dataStart < 0) return new MediaProbe.Probe(info, null);
        long start = dataStart;
        long end = dataStart + dataSize;
        double perSecond = byteRate;
        TimeMap map = ranges -> {
            List<TimeRange> out = new ArrayList<>();
            for (ByteRange r : ranges) {
                long s = Math.max(r.offset(), start);
                long e = Math.min(r.end(), end);
                if (s < e) out.add(new TimeRange((s - start) / perSecond, (e - start) / perSecond));
            }
            return MediaProbe.merge(out);
        };
        return new MediaProbe.Probe(info, map);
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }
}
