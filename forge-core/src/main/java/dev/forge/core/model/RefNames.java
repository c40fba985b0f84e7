package dev.forge.core.model;

/** Ref naming rules: branches live under {@code refs/heads/}, tags under {@code refs/tags/}. */
public final class RefNames {
    public static final String HEADS = "refs/heads/";
    public static final String TAGS = "refs/tags/";
    /** Remote-tracking refs: {@code refs/remotes/<remote>/<branch>}, what a remote's branch was at the last fetch or push. */
    public static final String REMOTES = "refs/remotes/";

    public static final String DEFAULT_BRANCH = "main";

    private RefNames() {}

    public static String branch(String name) {
        return HEADS + name;
    }

    /** The remote-tracking ref of {@code branch} on {@code remote}. */
    public static String remoteBranch(String remote, String branch) {
        return REMOTES + remote + "/" + branch;
    }

    /** A short name is valid when it is a plain path of safe segments without spaces or revision syntax. */
    public static boolean isValidShortName(String name) {
        if (name.isEmpty()
                || name.length() > 200
                || name.startsWith("-")
                || name.endsWith("/")
                || name.startsWith("/")) {
            return false;
        }
        if (name.equals("HEAD") || name.contains("..") || name.contains("//") || name.endsWith(".lock")) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c == '~' || c == '^' || c == ':' || c == '?' || c == '*' || c == '[' || c == '\\'
                    || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
