package dev.forge.core.media;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The coarse kind of a file, for routing its chunks to mirrors ({@code forge mirror add --only}):
 * magic bytes first (they do not lie about what a file is), then the extension. Hand-written because
 * it is a table of Forge's own categories; a MIME library would answer a finer question and still
 * need this table to map its answer to these seven.
 */
public enum MediaCategory {
    VIDEO,
    IMAGE,
    AUDIO,
    MODEL,
    GAME,
    DOCUMENT,
    OTHER;

    /** How many leading bytes {@link #of} looks at. */
    public static final int HEAD_SIZE = 16;

    /** The lower-case name used on the command line and in files ({@code video}, {@code model}, ...). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The category named {@code label} (case-insensitive), if it is one. */
    public static Optional<MediaCategory> parse(String label) {
        for (MediaCategory c : values()) if (c.label().equalsIgnoreCase(label.strip())) return Optional.of(c);
        return Optional.empty();
    }

    /**
     * The category of the file at {@code path} whose first bytes are {@code head[0, len)} ({@code len}
     * may be 0 when the content is not at hand: then the extension decides).
     */
    public static MediaCategory of(String path, byte[] head, int len) {
        MediaCategory bySignature = bySignature(head, len);
        return bySignature != null ? bySignature : byExtension(path);
    }

    /** The category by extension alone. */
    public static MediaCategory byExtension(String path) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        if (dot <= slash + 1) return OTHER;
        return EXTENSIONS.getOrDefault(path.substring(dot + 1).toLowerCase(Locale.ROOT), OTHER);
    }

    private static MediaCategory bySignature(byte[] h, int len) {
        if (len < 4) return null;
        if (starts(h, len, 0x89, 'P', 'N', 'G')) return IMAGE;
        if (starts(h, len, 0xFF, 0xD8, 0xFF)) return IMAGE;
        if (starts(h, len, 'G', 'I', 'F', '8')) return IMAGE;
        if (starts(h, len, 'I', 'I', 0x2A, 0x00) || starts(h, len, 'M', 'M', 0x00, 0x2A)) return IMAGE; // TIFF
        if (starts(h, len, 0x76, 0x2F, 0x31, 0x01)) return IMAGE; // OpenEXR
        if (starts(h, len, '8', 'B', 'P', 'S')) return IMAGE; // Photoshop
        if (starts(h, len, 'R', 'I', 'F', 'F') && len >= 12) {
            if (at(h, 8, 'W', 'A', 'V', 'E')) return AUDIO;
            if (at(h, 8, 'A', 'V', 'I', ' ')) return VIDEO;
            if (at(h, 8, 'W', 'E', 'B', 'P')) return IMAGE;
            return null;
        }
        if (starts(h, len, 'F', 'O', 'R', 'M')
                && len >= 12
                && (at(h, 8, 'A', 'I', 'F', 'F') || at(h, 8, 'A', 'I', 'F', 'C'))) return AUDIO;
        if (starts(h, len, 'f', 'L', 'a', 'C') || starts(h, len, 'O', 'g', 'g', 'S') || starts(h, len, 'I', 'D', '3'))
            return AUDIO;
        if (starts(h, len, 0x1A, 0x45, 0xDF, 0xA3)) return VIDEO; // Matroska, WebM
        if (len >= 12 && at(h, 4, 'f', 't', 'y', 'p')) {
            // ISO base media: the brand tells audio (M4A), still images (HEIF, AVIF) and video apart.
            String brand = new String(h, 8, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (brand.startsWith("M4A") || brand.startsWith("M4B")) return AUDIO;
            if (brand.equals("heic") || brand.equals("heix") || brand.equals("mif1") || brand.equals("avif"))
                return IMAGE;
            return VIDEO;
        }
        if (len >= 8 && (at(h, 4, 'm', 'o', 'o', 'v') || at(h, 4, 'm', 'd', 'a', 't') || at(h, 4, 'w', 'i', 'd', 'e')))
            return VIDEO;
        if (starts(h, len, '%', 'P', 'D', 'F')) return DOCUMENT;
        if (starts(h, len, 'g', 'l', 'T', 'F')) return MODEL; // binary glTF
        if (starts(h, len, 'K', 'a', 'y', 'd') && len >= 16) return MODEL; // "Kaydara FBX Binary"
        if (starts(h, len, 'U', 'n', 'i', 't', 'y', 'F', 'S')) return GAME;
        return null;
    }

    private static boolean starts(byte[] h, int len, int... magic) {
        if (len < magic.length) return false;
        for (int i = 0; i < magic.length; i++) if ((h[i] & 0xff) != magic[i]) return false;
        return true;
    }

    private static boolean at(byte[] h, int off, char a, char b, char c, char d) {
        return h[off] == a && h[off + 1] == b && h[off + 2] == c && h[off + 3] == d;
    }

    private static final Map<String, MediaCategory> EXTENSIONS = table();

    private static Map<String, MediaCategory> table() {
        Map<String, MediaCategory> m = new java.util.HashMap<>();
        put(m, VIDEO, "mp4 m4v mov avi mkv webm mxf r3d braw ari mpg mpeg m2ts mts ts wmv flv prores dnxhd y4m");
        put(
                m,
                IMAGE,
                "png jpg jpeg gif bmp tif tiff exr dpx tga psd psb webp heic heif avif hdr kra xcf raw cr2 cr3"
                        + " nef arw dng svg ico");
        put(m, AUDIO, "wav aif aiff flac mp3 m4a aac ogg opus wma bwf caf mid midi");
        put(
                m,
                MODEL,
                "fbx obj blend ma mb max c4d abc usd usda usdc usdz gltf glb stl ply 3ds dae hip hipnc ztl zpr"
                        + " spp sbs sbsar vdb");
        put(m, GAME, "uasset umap upk unity prefab asset mat anim controller pak bank fsb godot tscn tres scn");
        put(m, DOCUMENT, "pdf doc docx xls xlsx ppt pptx odt ods odp txt md rtf csv json xml yaml yml html");
        return Map.copyOf(m);
    }

    private static void put(Map<String, MediaCategory> m, MediaCategory c, String exts) {
        for (String e : exts.split(" ")) m.put(e, c);
    }
}
