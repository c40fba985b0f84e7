package dev.forge.cli.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Builds the HTML of {@code forge web}'s pages. Every piece of repository data (paths, messages,
 * authors, branch names) goes through {@link #text} or {@link #attr}; only the page's own markup is
 * appended raw. The pages carry no inline script or style, so the Content-Security-Policy can forbid
 * both: even a missed escape could not run script.
 */
final class Html {
    private final StringBuilder sb = new StringBuilder(8192);

    /** Escapes {@code s} for element content and quoted attribute values alike. */
    static String escape(String s) {
        if (s == null) return "";
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    // Control characters (a terminal escape in a message) are shown as U+FFFD.
                    if (c < 0x20 && c != '\n' && c != '\t') out.append('\uFFFD');
                    else out.append(c);
                }
            }
        }
        return out.toString();
    }

    /** A query parameter value. */
    static String q(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }

    Html raw(String markup) {
        sb.append(markup);
        return this;
    }

    Html text(String s) {
        sb.append(escape(s));
        return this;
    }

    /** {@code <a href="HREF">TEXT</a>}; {@code href} is built by the server from escaped parts. */
    Html link(String href, String text) {
        sb.append("<a href=\"")
                .append(escape(href))
                .append("\">")
                .append(escape(text))
                .append("</a>");
        return this;
    }

    Html img(String src, String alt, String cls) {
        sb.append("<img loading=\"lazy\" src=\"")
                .append(escape(src))
                .append("\" alt=\"")
                .append(escape(alt))
                .append("\"")
                .append(cls == null ? "" : " class=\"" + escape(cls) + "\"")
                .append(">");
        return this;
    }

    /** The page around {@code body}. */
    static String page(String title, String repoName, Html body) {
        return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta name=\"color-scheme\" content=\"light dark\">"
                + "<title>" + escape(title) + " · " + escape(repoName) + " · forge web</title>"
                + "<link rel=\"stylesheet\" href=\"/static/style.css\">"
                + "<script src=\"/static/app.js\" defer></script></head><body>"
                + "<header><a class=\"brand\" href=\"/log\">forge web</a> <span class=\"repo\">"
                + escape(repoName) + "</span> <nav><a href=\"/log\">History</a> <a href=\"/tree\">Files</a>"
                + " <a href=\"/remotes\">Remotes</a></nav>"
                + "</header><main>" + body.sb + "</main></body></html>\n";
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
