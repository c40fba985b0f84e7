package dev.forge.mirror;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finding and hiding credentials in remote URLs and in any text that shows one. */
final class UrlSecrets {
    private UrlSecrets() {}

    /**
     * What credentials {@code url} carries, in words ("user info", "a 'secret_key' option"), or null
     * when it carries none. Looks at the URL's user info, at any {@code @} before its query (an S3
     * secret may hold a '/', which ends a URI's user info early), at every option's name, and at the
     * same in an {@code endpoint} option's value, encoded or not.
     */
    static String credentialsIn(String url) {
        int q = url.indexOf('?');
        String head = q < 0 ? url : url.substring(0, q);
        String scheme = head.contains("://") ? head.substring(0, head.indexOf("://")) : "";
        if (head.contains("@") && !scheme.equalsIgnoreCase("file")) return "user info";
        if (scheme.equalsIgnoreCase("file") && head.startsWith("://", scheme.length())) {
            String rest = head.substring(scheme.length() + 3);
            int slash = rest.indexOf('/');
            if ((slash < 0 ? rest : rest.substring(0, slash)).contains("@")) return "user info";
        }
        if (q < 0) return null;
        for (String kv : url.substring(q + 1).split("&")) {
            int eq = kv.indexOf('=');
            String k = decode(eq < 0 ? kv : kv.substring(0, eq));
            if (SECRET_NAME.matcher(k).find()) return "a '" + redact(k) + "' option";
            if (eq > 0) {
                String v = decode(kv.substring(eq + 1));
                if (v.contains("://") && credentialsIn(v) != null) return "user info in its " + redact(k);
            }
        }
        return null;
    }

    /** URL-decoded {@code s}, or {@code s} itself when it is not validly encoded. */
    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** Option names that hold secrets: never accepted, always redacted. */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i)secret|passw|pwd|token|credential|signature|access[-_.]?key|key[-_.]?id|api[-_.]?key|^key$|auth");

    /** See {@link RemoteUrl#redact}. */
    static String redact(String text) {
        if (text == null) return null;
        String t = USER_INFO.matcher(text).replaceAll("$1***@");
        t = ENCODED_USER_INFO.matcher(t).replaceAll("$1***%40");
        Matcher m = OPTION.matcher(t);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = decode(m.group(2));
            String keep = SECRET_NAME.matcher(name).find() ? m.group(1) + "***" : m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(keep));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * {@code scheme://userinfo@}: everything from {@code ://} to the first {@code @} before a query,
     * space or quote, unless the authority is empty ({@code file:///home/ana@studio} is a path).
     */
    private static final Pattern USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)(?!/)[^\\s?#@'\"]*@");

    /** The same, URL-encoded inside an option's value. */
    private static final Pattern ENCODED_USER_INFO = Pattern.compile("(?i)(%3A%2F%2F)(?:(?!%40)[^\\s&#'\"])*%40");

    /** One {@code name=value} option after {@code ?} or {@code &}. */
    private static final Pattern OPTION = Pattern.compile("([?&]([^=&\\s'\"]+)=)[^&\\s#'\"]*");
}
