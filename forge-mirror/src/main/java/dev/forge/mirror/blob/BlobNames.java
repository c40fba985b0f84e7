package dev.forge.mirror.blob;

import dev.forge.core.error.InvalidInputException;

/** The blob naming rule of {@link dev.forge.core.port.BlobStore}: checked once, at every backend's door. */
public final class BlobNames {
    private BlobNames() {}

    /** Returns {@code name} if it is a relative path of safe segments, else throws. */
    public static String check(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.endsWith("/") || name.contains("//")) {
            throw new InvalidInputException("bad blob name '" + name + "'");
        }
        for (String seg : name.split("/")) {
            if (seg.equals(".") || seg.equals("..") || seg.startsWith("."))
                throw new InvalidInputException("bad blob name '" + name + "'");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-'
                    || c == '/';
            if (!ok) throw new InvalidInputException("bad blob name '" + name + "'");
        }
        return name;
    }
}
