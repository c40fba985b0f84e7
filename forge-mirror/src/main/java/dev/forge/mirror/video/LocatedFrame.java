package dev.forge.mirror.video;

/**
 * A decoded grey frame of any size with its four finder squares found: maps reference positions (1920 x
 * 1080 units, see {@link FrameLayout}) to its pixels and knows its own black and white levels.
 */
public final class LocatedFrame {
    private final byte[] img;
    private final int w;
    private final int h;
    /** Finder centres in image pixels (continuous coordinates), TL, TR, BL, BR. */
    private final double[] fx = new double[4];

    private final double[] fy = new double[4];
    private double black;
    private double white;

    private LocatedFrame(byte[] img, int w, int h) {
        this.img = img;
        this.w = w;
        this.h = h;
    }

    /** Finds the finders, or returns null when a corner holds no plausible finder square. */
    public static LocatedFrame locate(byte[] img, int w, int h) {
        LocatedFrame f = new LocatedFrame(img, w, h);
        // Search windows: the corner 104 x 104 reference units, inside the 128-unit black zone with room for
        // a crop or shift of up to 24 units (1.25% of the width, 2.2% of the height).
        int ww = (int) Math.round(w * 104.0 / FrameLayout.REF_WIDTH);
        int wh = (int) Math.round(h * 104.0 / FrameLayout.REF_HEIGHT);
        int[][] corners = {{0, 0}, {w - ww, 0}, {0, h - wh}, {w - ww, h - wh}};
        double minArea = 0.25 * area(w, h);
        for (int c = 0; c < 4; c++) {
            int x0 = corners[c][0];
            int y0 = corners[c][1];
            int lo = 255;
            int hi = 0;
            for (int y = y0; y < y0 + wh; y++)
                for (int x = x0; x < x0 + ww; x++) {
                    int v = img[y * w + x] & 0xff;
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            if (hi - lo < 64) return null;
            int t = (lo + hi) / 2;
            double sw = 0;
            double sx = 0;
            double sy = 0;
            int count = 0;
            for (int y = y0; y < y0 + wh; y++)
                for (int x = x0; x < x0 + ww; x++) {
                    int v = img[y * w + x] & 0xff;
                    if (v <= t) continue;
                    double weight = v - t;
                    sw += weight;
                    sx += weight * (x + 0.5);
                    sy += weight * (y + 0.5);
                    count++;
                }
            if (count < minArea || count > 4 * area(w, h)) return null;
            f.fx[c] = sx / sw;
            f.fy[c] = sy / sw;
        }
        // Levels: white from the finders' middles, black from the zone around them.
        double half = f.sampleHalf(2 * FrameLayout.FINDER_HALF * 0.6);
        double whiteSum = 0;
        double blackSum = 0;
        int c = FrameLayout.FINDER_CENTRE;
        int far = FrameLayout.REF_WIDTH - c;
        int farY = FrameLayout.REF_HEIGHT - c;
        f.black = 0;
        f.white = 255;
        for (int[] p : new int[][] {{c, c}, {far, c}, {c, farY}, {far, farY}}) {
            whiteSum += f.sample(p[0], p[1], half);
            int sx = p[0] < 960 ? 1 : -1;
            int sy = p[1] < 540 ? 1 : -1;
            blackSum += f.sample(p[0] + sx * 48, p[1], f.sampleHalf(8));
            blackSum += f.sample(p[0], p[1] + sy * 48, f.sampleHalf(8));
        }
        f.white = whiteSum / 4;
        f.black = blackSum / 8;
        if (f.white - f.black < 64) return null;
        return f;
    }

    /** Pixels a 48-unit finder square covers in an image of this size. */
    private static double area(int w, int h) {
        double s = 2.0 * FrameLayout.FINDER_HALF;
        return s * w / FrameLayout.REF_WIDTH * s * h / FrameLayout.REF_HEIGHT;
    }

    /** Half-width in pixels of the square sampled in the middle of a cell {@code cellRef} units wide. */
    double sampleHalf(double cellRef) {
        double px = cellRef * w / FrameLayout.REF_WIDTH;
        return Math.max(0, (px - 1) * 0.3);
    }

    /** Mean luma of the square of half-width {@code half} pixels around reference point (rx, ry). */
    double sample(double rx, double ry, double half) {
        double u = (rx - FrameLayout.FINDER_CENTRE) / (FrameLayout.REF_WIDTH - 2.0 * FrameLayout.FINDER_CENTRE);
        double v = (ry - FrameLayout.FINDER_CENTRE) / (FrameLayout.REF_HEIGHT - 2.0 * FrameLayout.FINDER_CENTRE);
        double px = (1 - u) * (1 - v) * fx[0] + u * (1 - v) * fx[1] + (1 - u) * v * fx[2] + u * v * fx[3];
        double py = (1 - u) * (1 - v) * fy[0] + u * (1 - v) * fy[1] + (1 - u) * v * fy[2] + u * v * fy[3];
        int x0 = (int) Math.floor(px - half);
        int x1 = (int) Math.floor(px + half);
        int y0 = (int) Math.floor(py - half);
        int y1 = (int) Math.floor(py + half);
        long sum = 0;
        int n = 0;
        for (int y = Math.max(0, y0); y <= Math.min(h - 1, y1); y++)
            for (int x = Math.max(0, x0); x <= Math.min(w - 1, x1); x++) {
                sum += img[y * w + x] & 0xff;
                n++;
            }
        return n == 0 ? black : (double) sum / n;
    }

    /** The nearest of {@code levels} equally spaced levels between this frame's black and white. */
    int level(double lum, int levels) {
        return (int) Math.round(position(lum, levels));
    }

    /** Where {@code lum} lies on the scale of levels 0 .. levels-1 (clamped to it). */
    double position(double lum, int levels) {
        double t = (lum - black) / (white - black) * (levels - 1);
        return Math.max(0, Math.min(levels - 1, t));
    }
}
