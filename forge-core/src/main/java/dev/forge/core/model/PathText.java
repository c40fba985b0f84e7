package dev.forge.core.model;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Paths as text for a terminal, quoted as git quotes them ({@code core.quotePath}): a path that
 * holds a control character (C0, DEL, C1), a Unicode format character (bidirectional overrides,
 * zero-width characters), a line or paragraph separator, a double quote or a backslash is printed in
 * double quotes with C escapes ({@code \t \n \r \a \b \f \v \" \\}, any other such character as the
 * three-digit octal escapes of its UTF-8 bytes, {@code "\033[31mred"}); any other path is printed as it
 * is, letters of every script included. A file name whose bytes are not valid UTF-8 is written the
 * same way, its invalid bytes as octal escapes ({@code "x\377"}), so that no byte of a file name ever
 * reaches a terminal raw. Octal, as git and C use, because a {@code \x} escape has no fixed length.
 */
public final class PathText {
    private PathText() {}

    /** {@code path} as a terminal may show it: unchanged, or quoted and escaped. */
    public static String quote(String path) {
        if (!needsQuoting(path)) return path;
        StringBuilder sb = new StringBuilder(path.length() + 8).append('"');
        for (int i = 0; i < path.length(); ) {
            int cp = path.codePointAt(i);
            appendCodePoint(sb, cp);
            i += Character.charCount(cp);
        }
        return sb.append('"').toString();
    }

    /** A file name or path given as raw bytes, which may not be valid UTF-8, as {@link #quote(String)} shows it. */
    public static String quote(byte[] raw) {
        CharsetDecoder dec = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(raw);
        CharBuffer out = CharBuffer.allocate(raw.length);
        StringBuilder sb = new StringBuilder(raw.length + 8);
        boolean invalid = false;
        while (true) {
            CoderResult r = dec.decode(in, out, true);
            out.flip();
            for (int i = 0; i < out.length(); ) {
                int cp = Character.codePointAt(out, i);
                appendCodePoint(sb, cp);
                i += Character.charCount(cp);
            }
            out.clear();
            if (r.isError()) {
                invalid = true;
                for (int k = 0; k < r.length(); k++) octal(sb, in.get() & 0xff);
            } else if (r.isUnderflow()) {
                break;
            }
        }
        String valid = invalid ? null : new String(raw, StandardCharsets.UTF_8);
        if (valid != null) return quote(valid);
        return '"' + sb.toString() + '"';
    }

    /**
     * {@code text} (an error message, a commit message) with every character {@link #quote(String)}
     * would escape, except line feeds and tabs and the double quote and backslash, written as its
     * escape; no quotes are added. For text that names paths among other words.
     */
    public static String sanitize(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            boolean escape = cp != '\n' && cp != '\t' && cp != '"' && cp != '\\' && mustEscape(cp);
            if (escape && sb == null) sb = new StringBuilder(text.length() + 8).append(text, 0, i);
            if (sb != null) {
                if (escape) appendCodePoint(sb, cp);
                else sb.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
        }
        return sb == null ? text : sb.toString();
    }

    /** Whether {@link #quote(String)} would quote {@code path}. */
    public static boolean needsQuoting(String path) {
        for (int i = 0; i < path.length(); ) {
            int cp = path.codePointAt(i);
            if (mustEscape(cp)) return true;
            i += Character.charCount(cp);
        }
        return false;
    }

    private static boolean mustEscape(int cp) {
        if (cp == '"' || cp == '\\' || Character.isISOControl(cp)) return true;
        if (cp < 0x80) return false;
        int type = Character.getType(cp);
        return type == Character.FORMAT
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.SURROGATE
                || type == Character.UNASSIGNED;
    }

    private static void appendCodePoint(StringBuilder sb, int cp) {
        if (!mustEscape(cp)) {
            sb.appendCodePoint(cp);
            return;
        }
        switch (cp) {
            case '"' -> sb.append("\\\"");
            case '\\' -> sb.append("\\\\");
            case 0x07 -> sb.append("\\a");
            case '\b' -> sb.append("\\b");
            case '\t' -> sb.append("\\t");
            case '\n' -> sb.append("\\n");
            case 0x0B -> sb.append("\\v");
            case '\f' -> sb.append("\\f");
            case '\r' -> sb.append("\\r");
            default -> {
                // A lone surrogate has no UTF-8 form; the encoder's replacement ('?') is printed escaped.
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) octal(sb, b & 0xff);
            }
        }
    }

    private static void octal(StringBuilder sb, int b) {
        sb.append('\\')
                .append((char) ('0' + ((b >> 6) & 7)))
                .append((char) ('0' + ((b >> 3) & 7)))
                .append((char) ('0' + (b & 7)));
    }
}
