package dev.forge.core.media;

import java.nio.ByteBuffer;

/** Dimensions of PNG (the IHDR chunk) and JPEG (the first SOFn segment) images. */
final class ImageHeaders {
    /** A JPEG's SOF usually follows the APPn segments (EXIF, ICC, XMP) within the first megabytes. */
    private static final long JPEG_SCAN_LIMIT = 16L << 20;

    private static final int JPEG_MAX_SEGMENTS = 4096;

    private ImageHeaders() {}

    /** PNG: 8-byte signature, then IHDR = length, "IHDR", width, height, bit depth, colour type. */
    static MediaInfo.Image png(ByteSource src) {
        byte[] h = src.read(0, 8 + 8 + 13);
        if (h.length < 29 || !MediaProbe.fourcc(h, 12).equals("IHDR"))
            return new MediaInfo.Image("png", null, null, null, null);
        ByteBuffer b = ByteBuffer.wrap(h);
        String color = switch (h[25]) {
            case 0 -> "gray";
            case 2 -> "rgb";
            case 3 -> "indexed";
            case 4 -> "gray+alpha";
            case 6 -> "rgba";
            default -> null;
        };
        return new MediaInfo.Image(
                "png",
                MediaProbe.toInt(b.getInt(16) & 0xffffffffL),
                MediaProbe.toInt(b.getInt(20) & 0xffffffffL),
                (int) h[24],
                color);
    }

    /**
     * JPEG: walks the marker segments from SOI until a start-of-frame (SOF0..SOF15 except DHT, JPG and
     * DAC), which holds precision, height, width and the component count. Each step reads ten bytes.
     */
    static MediaInfo.Image jpeg(ByteSource src) {
        long pos = 2;
        for (int i = 0; i < JPEG_MAX_SEGMENTS && pos < JPEG_SCAN_LIMIT; i++) {
            byte[] h = src.read(pos, 10);
            if (h.length < 2 || (h[0] & 0xff) != 0xFF) break;
            int m = h[1] & 0xff;
            if (m == 0xFF) { // fill byte before a marker
                pos++;
                continue;
            }
            if (m == 0x01 || m == 0xD8 || (m >= 0xD0 && m <= 0xD7)) { // markers without a length
                pos += 2;
                continue;
            }
            if (m == 0xD9 || m == 0xDA || h.length < 4) break; // end of image, or scan data without a frame
            int len = ((h[2] & 0xff) << 8) | (h[3] & 0xff);
            if (len < 2) break;
            if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
                if (h.length < 10) break;
                int height = ((h[5] & 0xff) << 8) | (h[6] & 0xff);
                int width = ((h[7] & 0xff) << 8) | (h[8] & 0xff);
                String color = switch (h[9]) {
                    case 1 -> "gray";
                    case 3 -> "ycbcr";
                    case 4 -> "cmyk";
                    default -> null;
                };
                return new MediaInfo.Image("jpeg", width, height == 0 ? null : height, h[4] & 0xff, color);
            }
            pos += 2 + len;
        }
        return new MediaInfo.Image("jpeg", null, null, null, null);
    }
}
