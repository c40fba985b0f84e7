package dev.forge.mirror.serve;

import dev.forge.core.error.InvalidInputException;
import dev.forge.mirror.blob.BlobNames;
import dev.forge.mirror.blob.Listings;
import dev.forge.mirror.format.RemoteConfig;
import java.util.regex.Pattern;

/** Which names of the remote format {@code forge serve} answers, and which of them never change. */
public final class ServeNames {
    private static final Pattern PACK = Pattern.compile("packs/[0-9a-f]{64}\\.(pack|idx)");

    private ServeNames() {}

    /** Whether {@code name} is a pack or pack index: content-named, so it never changes. */
    public static boolean immutable(String name) {
        return PACK.matcher(name).matches();
    }

    /**
     * Whether {@code name} is one a reader of the remote format asks for: the config, the listings,
     * a ref, a pack or a pack index. Everything else (lock blobs, {@code ../}, absolute paths,
     * encoded separators) is not: the server answers 404 without touching any store.
     */
    public static boolean servable(String name) {
        if (immutable(name)
                || name.equals(RemoteConfig.BLOB)
                || name.equals(Listings.PACKS)
                || name.equals(Listings.REFS)
                || name.equals(dev.forge.mirror.RemoteRetention.POLICY)
                || name.equals(dev.forge.mirror.RemoteRetention.PURGED)) return true;
        if (!name.startsWith("refs/")) return false;
        try {
            BlobNames.check(name);
            return true;
        } catch (InvalidInputException e) {
            return false;
        }
    }
}
