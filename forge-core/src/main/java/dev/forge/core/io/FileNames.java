package dev.forge.core.io;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * File names as the operating system has them (bytes) against the Strings Forge records (UTF-8).
 *
 * <p>The JDK decodes every file name with the charset of the locale the JVM started in ({@code
 * sun.jnu.encoding}; no {@code -D} flag changes it) and replaces what it cannot decode with U+FFFD, so
 * two names that differ only in such bytes ({@code x\xff}, {@code x\xfe}; or {@code é.wav} and {@code
 * ü.wav} under {@code LANG=C}) come out as the same String. {@link #name} accepts a name only when its
 * String names exactly the same bytes again, so a lossy decode never reaches a tree and two files never
 * become one entry. The launcher starts the JVM under a UTF-8 locale; if that locale is missing, names
 * that are not ASCII are refused instead of being mangled.
 */
public final class FileNames {
    private FileNames() {}

    /** Whether the JVM reads and writes file names as UTF-8. */
    public static final boolean UTF8_NAMES = jnuIsUtf8();

    private static boolean jnuIsUtf8() {
        String jnu = System.getProperty("sun.jnu.encoding");
        try {
            return jnu != null && Charset.forName(jnu).equals(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The last element of {@code p} as a String that names the same bytes, or null when there is none:
     * its bytes are not valid UTF-8 (or, when the JVM does not read names as UTF-8, not ASCII).
     */
    public static String name(Path p) {
        Path fn = p.getFileName();
        return isExact(fn) ? fn.toString() : null;
    }

    /**
     * The name whose bytes are {@code b[from, to)} as a String that names the same bytes, or null when
     * there is none: the same rule as {@link #name(Path)}, for names read from the system as bytes.
     */
    public static String name(byte[] b, int from, int to) {
        int i = from;
        while (i < to && b[i] >= 0) i++;
        if (i == to) return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        if (!UTF8_NAMES) return null;
        String s = new String(b, from, to - from, StandardCharsets.UTF_8);
        byte[] back = s.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.equals(back, 0, back.length, b, from, to) ? s : null;
    }

    /** Whether {@code p}'s String form names exactly {@code p}'s bytes (see {@link #name}). */
    public static boolean isExact(Path p) {
        String s = p.toString();
        if (isAscii(s)) return true;
        if (!UTF8_NAMES) return false;
        try {
            return p.equals(p.getFileSystem().getPath(s));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /** Whether {@code s} is ASCII, which every charset the JDK may decode names with reads as itself. */
    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) return false;
        }
        return true;
    }

    /**
     * The bytes of {@code p}'s last element as the file system has them. The JDK keeps them inside the
     * Path but offers them only through its {@code file:} URI, where every byte outside a few ASCII
     * characters is percent-encoded.
     */
    public static byte[] rawName(Path p) {
        Path abs = p.toAbsolutePath();
        String uri = abs.toUri().getRawPath();
        if (uri.endsWith("/") && uri.length() > 1) uri = uri.substring(0, uri.length() - 1);
        String last = uri.substring(uri.lastIndexOf('/') + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(last.length());
        for (int i = 0; i < last.length(); i++) {
            char c = last.charAt(i);
            if (c == '%' && i + 2 < last.length()) {
                out.write(Integer.parseInt(last, i + 1, i + 3, 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }
}
