package dev.forge.cli.web;

import java.awt.image.BufferedImage;

/**
 * The difference image of two pictures: a pixel that differs (in colour or alpha, or that only one
 * picture has) is opaque magenta, every other pixel fully transparent. The page lays it over a faded
 * copy of the new picture, so the changed region stands out and nothing else does.
 */
final class ImageDiff {
    static final int CHANGED = 0xFFFF00FF;

    private ImageDiff() {}

    record Result(BufferedImage image, long changedPixels) {}

    /**
     * Compares {@code a} and {@code b} pixel by pixel (the canvas is the larger of the two in each
     * direction). When that canvas is wider or taller than {@code maxSide}, each output pixel stands
     * for a block of input pixels and is marked when any pixel in the block changed, so a change of a
     * single pixel never disappears in the reduction.
     */
    static Result diff(BufferedImage a, BufferedImage b, int maxSide) {
        int w = Math.max(a.getWidth(), b.getWidth());
        int h = Math.max(a.getHeight(), b.getHeight());
        int scale = Math.max(1, (Math.max(w, h) + maxSide - 1) / maxSide);
        int ow = (w + scale - 1) / scale;
        int oh = (h + scale - 1) / scale;
        BufferedImage out = new BufferedImage(ow, oh, BufferedImage.TYPE_INT_ARGB);
        long changed = 0;
        int[] rowA = new int[w];
        int[] rowB = new int[w];
        for (int y = 0; y < h; y++) {
            row(a, y, rowA, w);
            row(b, y, rowB, w);
            for (int x = 0; x < w; x++) {
                if (rowA[x] != rowB[x]) {
                    changed++;
                    out.setRGB(x / scale, y / scale, CHANGED);
                }
            }
        }
        return new Result(out, changed);
    }

    /**
     * Row {@code y} of {@code img} as ARGB into {@code dst}; 1 outside the picture, a value no pixel read
     * has (a visible pixel has a non-zero alpha byte, an invisible one is 0), so a pixel only one picture
     * has always counts as changed and a place neither has never does.
     */
    private static void row(BufferedImage img, int y, int[] dst, int w) {
        java.util.Arrays.fill(dst, 1);
        if (y >= img.getHeight()) return;
        int[] px = img.getRGB(0, y, img.getWidth(), 1, null, 0, img.getWidth());
        // Fully transparent pixels are equal whatever colour they hold.
        for (int x = 0; x < px.length; x++) dst[x] = (px[x] >>> 24) == 0 ? 0 : px[x];
    }
}
