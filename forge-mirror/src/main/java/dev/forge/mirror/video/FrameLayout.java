package dev.forge.mirror.video;

import java.util.ArrayList;
import java.util.List;

/**
 * Where everything sits in a frame of a given size, cell size and bits per cell (docs/format.md, "Video
 * frames"). Positions are defined in a reference space 1920 units wide (R = width / 1920 pixels per unit):
 *
 * <ul>
 *   <li>four corner zones of 128 x 128 units, black, each with a white 48 x 48 finder square centred 64 units
 *       from both edges of its corner;
 *   <li>the header strip: 4 rows of 136 one-bit cells of 12 units, from x = 144, y = 16;
 *   <li>data cells of {@code cellPx} pixels, row by row, filling x in [16, 1904) and y in [72, 1064) except the
 *       corner zones.
 * </ul>
 *
 * A reader finds the four finder squares, maps reference positions to the image it was given by bilinear
 * interpolation between their centres (so a scaled, shifted or slightly cropped frame still reads), and
 * samples the middle of each cell.
 */
public final class FrameLayout {
    public static final int REF_WIDTH = 1920;
    public static final int REF_HEIGHT = 1080;
    static final int ZONE = 128;
    static final int FINDER_HALF = 24;
    static final int FINDER_CENTRE = 64;
    static final int HEADER_CELL = 12;
    static final int HEADER_X = 144;
    static final int HEADER_Y = 16;
    static final int HEADER_COLUMNS = 136;
    static final int HEADER_ROWS = 4;
    /** Header bits: 544 one-bit cells, 68 bytes (50 of header, 18 of Reed-Solomon parity). */
    public static final int HEADER_BYTES = HEADER_COLUMNS * HEADER_ROWS / 8;

    static final int DATA_X0 = 16;
    static final int DATA_X1 = 1904;
    static final int DATA_Y0 = 72;
    static final int DATA_Y1 = 1064;

    private final int width;
    private final int height;
    private final int cellPx;
    private final int bitsPerCell;
    /** Top-left pixel of each data cell, x then y. */
    private final int[] cellX;

    private final int[] cellY;

    public FrameLayout(int width, int height, int cellPx, int bitsPerCell) {
        if (width * 9 != height * 16 || width % REF_WIDTH != 0)
            throw new IllegalArgumentException("frame size must be 1920x1080 or 3840x2160: " + width + "x" + height);
        if (cellPx < 2 || cellPx > 64) throw new IllegalArgumentException("cell size must be 2..64 pixels: " + cellPx);
        if (bitsPerCell != 1 && bitsPerCell != 2) throw new IllegalArgumentException("bits per cell must be 1 or 2");
        this.width = width;
        this.height = height;
        this.cellPx = cellPx;
        this.bitsPerCell = bitsPerCell;
        int r = width / REF_WIDTH;
        int zone = ZONE * r;
        List<int[]> cells = new ArrayList<>();
        for (int y = DATA_Y0 * r; y + cellPx <= DATA_Y1 * r; y += cellPx) {
            for (int x = DATA_X0 * r; x + cellPx <= DATA_X1 * r; x += cellPx) {
                boolean inZoneX = x < zone || x + cellPx > width - zone;
                boolean inZoneY = y < zone || y + cellPx > height - zone;
                if (inZoneX && inZoneY) continue;
                cells.add(new int[] {x, y});
            }
        }
        cellX = new int[cells.size()];
        cellY = new int[cells.size()];
        for (int i = 0; i < cells.size(); i++) {
            cellX[i] = cells.get(i)[0];
            cellY[i] = cells.get(i)[1];
        }
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int cellPx() {
        return cellPx;
    }

    public int bitsPerCell() {
        return bitsPerCell;
    }

    public int cells() {
        return cellX.length;
    }

    /** Bytes the data cells of one frame carry. */
    public int capacityBytes() {
        return cellX.length * bitsPerCell / 8;
    }

    private int scale() {
        return width / REF_WIDTH;
    }

    /** Luma of level {@code v} of {@code levels}, spread over 0..255. */
    static int luma(int v, int levels) {
        return v * 255 / (levels - 1);
    }

    /** Draws one frame: finders, the 68 header bytes, and {@code data} (capacityBytes() long). */
    public byte[] render(byte[] header, byte[] data) {
        if (header.length != HEADER_BYTES) throw new IllegalArgumentException("header must be " + HEADER_BYTES);
        if (data.length != capacityBytes()) throw new IllegalArgumentException("data must be " + capacityBytes());
        byte[] img = new byte[width * height];
        int r = scale();
        for (int cy : new int[] {FINDER_CENTRE * r, height - FINDER_CENTRE * r})
            for (int cx : new int[] {FINDER_CENTRE * r, width - FINDER_CENTRE * r})
                fill(img, cx - FINDER_HALF * r, cy - FINDER_HALF * r, 2 * FINDER_HALF * r, 2 * FINDER_HALF * r, 255);
        for (int i = 0; i < HEADER_COLUMNS * HEADER_ROWS; i++) {
            int bit = (header[i >> 3] >> (7 - (i & 7))) & 1;
            if (bit == 0) continue;
            int hx = (HEADER_X + (i % HEADER_COLUMNS) * HEADER_CELL) * r;
            int hy = (HEADER_Y + (i / HEADER_COLUMNS) * HEADER_CELL) * r;
            fill(img, hx, hy, HEADER_CELL * r, HEADER_CELL * r, 255);
        }
        int levels = 1 << bitsPerCell;
        int perByte = 8 / bitsPerCell;
        int mask = levels - 1;
        for (int i = 0; i < capacityBytes() * perByte; i++) {
            int shift = 8 - bitsPerCell * (1 + i % perByte);
            int v = (data[i / perByte] >> shift) & mask;
            if (v != 0) fill(img, cellX[i], cellY[i], cellPx, cellPx, luma(v, levels));
        }
        return img;
    }

    private void fill(byte[] img, int x, int y, int w, int h, int value) {
        for (int yy = y; yy < y + h; yy++) {
            int row = yy * width;
            for (int xx = x; xx < x + w; xx++) img[row + xx] = (byte) value;
        }
    }

    /** The top-left of data cell {@code i}, in pixels of this layout (for tests). */
    int[] cellOrigin(int i) {
        return new int[] {cellX[i], cellY[i]};
    }

    /**
     * Reads the data cells of a located frame: each cell's level from the luma in its middle, against the
     * frame's own black and white levels. Returns capacityBytes() bytes.
     */
    public byte[] readData(LocatedFrame f) {
        return readData(f, null);
    }

    /**
     * As {@link #readData(LocatedFrame)}, also filling {@code doubt[b]} (when not null) with how far the
     * least certain cell of byte b lay from its level, in hundredths of a level step (0 = exactly on a level,
     * 50 = half-way between two): the decoder treats the most doubtful bytes as erasures.
     */
    public byte[] readData(LocatedFrame f, int[] doubt) {
        double refPerPx = 1.0 / scale();
        double cellRef = cellPx * refPerPx;
        int levels = 1 << bitsPerCell;
        int perByte = 8 / bitsPerCell;
        byte[] out = new byte[capacityBytes()];
        double half = f.sampleHalf(cellRef);
        for (int i = 0; i < capacityBytes() * perByte; i++) {
            double lum = f.sample(cellX[i] * refPerPx + cellRef / 2, cellY[i] * refPerPx + cellRef / 2, half);
            double t = f.position(lum, levels);
            int v = (int) Math.round(t);
            if (doubt != null) doubt[i / perByte] = Math.max(doubt[i / perByte], (int) (Math.abs(t - v) * 100));
            int shift = 8 - bitsPerCell * (1 + i % perByte);
            out[i / perByte] |= (byte) (v << shift);
        }
        return out;
    }

    /** Reads the 68 header bytes of a located frame (independent of the cell size and bits of the data). */
    public static byte[] readHeader(LocatedFrame f) {
        byte[] out = new byte[HEADER_BYTES];
        double half = f.sampleHalf(HEADER_CELL);
        for (int i = 0; i < HEADER_COLUMNS * HEADER_ROWS; i++) {
            double x = HEADER_X + (i % HEADER_COLUMNS) * HEADER_CELL + HEADER_CELL / 2.0;
            double y = HEADER_Y + (i / HEADER_COLUMNS) * HEADER_CELL + HEADER_CELL / 2.0;
            if (f.level(f.sample(x, y, half), 2) == 1) out[i >> 3] |= (byte) (1 << (7 - (i & 7)));
        }
        return out;
    }
}
