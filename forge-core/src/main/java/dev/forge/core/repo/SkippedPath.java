package dev.forge.core.repo;

import dev.forge.core.model.PathText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.util.List;
import java.util.Locale;

/**
 * A path a command had to leave out, and why: permission denied, a path longer than the system allows,
 * a name that is not valid UTF-8. The command does the rest and ends with exit 12 (partial result),
 * listing them. {@code path} is the repository path; a name that is not valid UTF-8 has no String, so
 * there it is the quoted form {@code display} shows ({@code "x\377"}). {@code display} is the path as a
 * terminal may show it ({@link PathText}), shortened to its two ends when it is very long.
 */
public record SkippedPath(String path, String display, String reason) {
    /** The most paths a summary names; the rest are counted. */
    static final int LISTED = 10;

    static SkippedPath of(String path, String reason) {
        return new SkippedPath(path, shorten(PathText.quote(path)), reason);
    }

    /** A path too long for a line (one over the system's limit, say) is shown by its two ends. */
    private static String shorten(String shown) {
        return shown.length() <= 200 ? shown : shown.substring(0, 100) + "..." + shown.substring(shown.length() - 80);
    }

    static SkippedPath of(String path, IOException e) {
        String reason = reason(e);
        if (reason.equals("file name too long")) {
            reason = "the path is too long for the system (" + path.getBytes(StandardCharsets.UTF_8).length
                    + " bytes below the work tree; Linux takes at most 4096 in all)";
        }
        return of(path, reason);
    }

    /** A name that is not valid UTF-8: {@code parent} is its folder's repository path ("" for the root). */
    static SkippedPath invalidName(String parent, byte[] rawName) {
        byte[] p = parent.isEmpty() ? new byte[0] : (parent + "/").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[p.length + rawName.length];
        System.arraycopy(p, 0, all, 0, p.length);
        System.arraycopy(rawName, 0, all, p.length, rawName.length);
        String shown = PathText.quote(all);
        return new SkippedPath(
                shown, shorten(shown), validUtf8(rawName) ? NOT_UTF8_LOCALE : "the name is not valid UTF-8: rename it");
    }

    /** Why a valid UTF-8 name is skipped when the JVM does not read names as UTF-8 (see FileNames). */
    static final String NOT_UTF8_LOCALE = "the name is not ASCII, and Java reads file names as "
            + System.getProperty("sun.jnu.encoding")
            + " in this locale (is it installed?): run forge under an installed UTF-8 locale, e.g. LC_ALL=C.UTF-8";

    private static boolean validUtf8(byte[] b) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(b));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    /** Why an I/O operation on a path failed, in a few words ("permission denied", "file name too long"). */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) return "permission denied";
        String r = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        if (r == null || r.isEmpty()) return e.getClass().getSimpleName();
        return r.substring(0, 1).toLowerCase(Locale.ROOT) + r.substring(1);
    }

    /**
     * One line naming the first {@link #LISTED} of {@code skipped} with their reasons, and how many more,
     * as {@code PartialResultException} lists paths: {@code a.wav (permission denied), "x\377" (the name
     * is not valid UTF-8: rename it) and 3 more}.
     */
    public static String summary(List<SkippedPath> skipped) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(LISTED, skipped.size());
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(", ");
            sb.append(skipped.get(i).listed());
        }
        if (skipped.size() > n) sb.append(" and ").append(skipped.size() - n).append(" more");
        return sb.toString();
    }

    /** The path as a list of skipped paths shows it: {@code secret.wav (permission denied)}. */
    public String listed() {
        return display + " (" + reason + ")";
    }

    /** Whether {@code path} is this skipped path or lies under it. */
    boolean covers(String path) {
        return WorkTree.under(path, this.path);
    }
}
