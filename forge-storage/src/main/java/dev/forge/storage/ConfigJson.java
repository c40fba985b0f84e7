package dev.forge.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads {@code .forge/config} (docs/format.md, "Config"), a small JSON object, into dotted keys
 * ({@code "chunking.min"}). Hand-written, a strict reader of RFC 8259 JSON for this one file, instead
 * of jackson-core's parser, because every command reads this file first and jackson-core's parser base
 * class holds {@code BigDecimal} constants: on JDK 25 initialising {@code BigDecimal} computes
 * 5^(2^16) (its {@code FIVE_TO_2_TO} table), 15 to 25 ms of every {@code forge status} before any
 * JIT has compiled the multiplication (docs/benchmarks.md, "Start-up, fourth part"). Accepts what
 * jackson-core's default parser accepts for an object (a UTF-8 byte-order mark, duplicate keys, the
 * last one winning) and rejects the rest: comments, single quotes, leading zeros, control characters
 * in strings, malformed UTF-8. Values: strings as they are, numbers as written, {@code true}/{@code
 * false} as words, {@code null} as a null value; arrays are skipped (not part of the format).
 */
final class ConfigJson {
    /** Deeper than any config forge writes (two levels), shallow enough for any stack. */
    private static final int MAX_DEPTH = 64;

    private final String s;
    private int i;

    private ConfigJson(String s) {
        this.s = s;
    }

    /**
     * The members of the object {@code bytes} hold, flattened into {@code out}.
     *
     * @return false when the document does not start with an object (after white space)
     * @throws IOException when it is not well-formed JSON, or holds more than the one object
     */
    static boolean read(byte[] bytes, Map<String, String> out) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IOException("invalid UTF-8");
        }
        ConfigJson p = new ConfigJson(text);
        if (p.s.startsWith("\uFEFF")) p.i = 1;
        p.space();
        if (p.i >= p.s.length() || p.s.charAt(p.i) != '{') return false;
        p.i++;
        p.object("", out, 1);
        p.space();
        if (p.i < p.s.length()) throw p.error("data after the object");
        return true;
    }

    /** The members after an object's '{', up to and including its '}'. */
    private void object(String prefix, Map<String, String> out, int depth) throws IOException {
        if (depth > MAX_DEPTH) throw error("nested too deeply");
        space();
        if (peek() == '}') {
            i++;
            return;
        }
        while (true) {
            space();
            if (peek() != '"') throw error("expected a member name in double quotes");
            i++;
            String key = prefix + string();
            space();
            expect(':');
            space();
            char c = peek();
            if (c == '{') {
                i++;
                object(key + ".", out, depth + 1);
            } else if (c == '[') {
                i++;
                array(depth + 1);
            } else {
                out.put(key, scalar());
            }
            space();
            char end = next();
            if (end == '}') return;
            if (end != ',') throw error("expected ',' or '}'");
        }
    }

    /** Skips an array's values after its '[', up to and including its ']'. */
    private void array(int depth) throws IOException {
        if (depth > MAX_DEPTH) throw error("nested too deeply");
        space();
        if (peek() == ']') {
            i++;
            return;
        }
        while (true) {
            space();
            char c = peek();
            if (c == '{') {
                i++;
                object("", new java.util.HashMap<>(), depth + 1);
            } else if (c == '[') {
                i++;
                array(depth + 1);
            } else {
                scalar();
            }
            space();
            char end = next();
            if (end == ']') return;
            if (end != ',') throw error("expected ',' or ']'");
        }
    }

    /** A string, number, true, false or null: its text (null for null). */
    private String scalar() throws IOException {
        char c = peek();
        if (c == '"') {
            i++;
            return string();
        }
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        for (String word : new String[] {"true", "false", "null"}) {
            if (s.startsWith(word, i)) {
                i += word.length();
                if (i < s.length() && Character.isLetterOrDigit(s.charAt(i))) throw error("unexpected word");
                return word.equals("null") ? null : word;
            }
        }
        throw error("unexpected character");
    }

    /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, as written. */
    private String number() throws IOException {
        int start = i;
        if (peek() == '-') i++;
        if (peek() == '0') {
            i++;
        } else if (digits() == 0) {
            throw error("malformed number");
        }
        if (i < s.length() && s.charAt(i) == '.') {
            i++;
            if (digits() == 0) throw error("malformed number");
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
            if (digits() == 0) throw error("malformed number");
        }
        if (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.'))
            throw error("malformed number");
        return s.substring(start, i);
    }

    private int digits() {
        int n = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
            n++;
        }
        return n;
    }

    /** The rest of a string after its opening quote, unescaped. */
    private String string() throws IOException {
        StringBuilder b = null;
        int start = i;
        while (true) {
            if (i >= s.length()) throw error("unterminated string");
            char c = s.charAt(i);
            if (c == '"') {
                String tail = s.substring(start, i++);
                return b == null ? tail : b.append(tail).toString();
            }
            if (c < 0x20) throw error("control character in a string");
            if (c != '\\') {
                i++;
                continue;
            }
            if (b == null) b = new StringBuilder();
            b.append(s, start, i);
            i++;
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length()) throw error("truncated \\u escape");
                    int v = 0;
                    for (int k = 0; k < 4; k++) {
                        int d = Character.digit(s.charAt(i + k), 16);
                        if (d < 0) throw error("malformed \\u escape");
                        v = v * 16 + d;
                    }
                    i += 4;
                    b.append((char) v);
                }
                default -> throw error("unknown escape \\" + e);
            }
            start = i;
        }
    }

    private void space() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            i++;
        }
    }

    private char peek() throws IOException {
        if (i >= s.length()) throw error("unexpected end");
        return s.charAt(i);
    }

    private char next() throws IOException {
        char c = peek();
        i++;
        return c;
    }

    private void expect(char c) throws IOException {
        if (next() != c) throw error("expected '" + c + "'");
    }

    private IOException error(String what) {
        return new IOException(what + " at offset " + i);
    }
}
