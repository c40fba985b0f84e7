package dev.forge.core.io;

/**
 * The id of the running forge build, as the launcher passes it ({@code -Dforge.build}, the jar's
 * digest): what names the per-build copies of native libraries in the user's cache folder, so that a
 * start that finds its copy needs no look into the jar.
 */
public final class BuildId {
    private BuildId() {}

    /** The build's id, or null when the launcher passed none (tests, {@code java -jar}) or not one. */
    public static String current() {
        String build = System.getProperty("forge.build");
        return build != null && valid(build) ? build : null;
    }

    /** 8 to 64 lowercase hex digits (checked by hand: no regex compiled on every start). */
    static boolean valid(String s) {
        if (s.length() < 8 || s.length() > 64) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }
}
