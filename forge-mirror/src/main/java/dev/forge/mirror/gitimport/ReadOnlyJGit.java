package dev.forge.mirror.gitimport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

/**
 * Keeps JGit from writing where an import must not. JGit measures each file system's timestamp
 * resolution (for its racy-file checks) the first time it looks at a file there, by writing and deleting
 * a probe file in that file's folder, and saves the result in the user's {@code ~/.config/jgit/config}.
 * Left alone, the first probe would land inside the source repository's {@code .git}. So: JGit's own
 * config file becomes an in-memory one (nothing saved in the user's home), and the measurement is made
 * unnecessary: that in-memory config already holds, for the file stores of the Forge repository and of the
 * source, a conservative resolution of 2 seconds (JGit then re-reads a file changed within 2 s of a
 * snapshot instead of trusting it: correct, and an import reads each file once anyway). The key is JGit's
 * ("java.vendor|java.version|file store name", as it writes to ~/.config/jgit/config); should it not
 * match (another JGit, or Windows, which keys by volume serial), JGit measures, and the measurement is
 * made first in {@code .forge/tmp}: JGit caches it per file store, so a source on the same file system
 * is still never probed. (A source on another file system would then get one probe file, created and
 * deleted by JGit.) Skipping the measurement also saves the seconds it takes.
 */
final class ReadOnlyJGit {
    private static boolean installed;
    private static final java.util.Set<String> storeKeys = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private ReadOnlyJGit() {}

    static synchronized void prepare(Path forgeDir, Path source) {
        String prefix = System.getProperty("java.vendor") + "|" + System.getProperty("java.version") + "|";
        for (Path p : new Path[] {forgeDir, source}) {
            try {
                if (p != null && Files.exists(p))
                    storeKeys.add(prefix + Files.getFileStore(p).name());
            } catch (java.io.IOException e) {
                // no key: JGit measures (in .forge/tmp first, below)
            }
        }
        if (!installed) {
            SystemReader.setInstance(new SystemReader.Delegate(SystemReader.getInstance()) {
                @Override
                public FileBasedConfig openJGitConfig(Config parent, FS fs) {
                    return new InMemoryConfig(parent, fs);
                }
            });
            installed = true;
        }
        Path probeDir = forgeDir.resolve("tmp");
        if (Files.isDirectory(probeDir)) FS.FileStoreAttributes.get(probeDir);
    }

    /** A JGit config file that is never read from or written to disk. */
    private static final class InMemoryConfig extends FileBasedConfig {
        InMemoryConfig(Config parent, FS fs) {
            super(parent, new File("/dev/null"), fs);
            // A known timestamp resolution for the file stores involved (never loaded: see isOutdated).
            for (String key : storeKeys) {
                setString("filesystem", key, "timestampResolution", "2000000000 nanoseconds");
                setString("filesystem", key, "minRacyThreshold", "0 nanoseconds");
            }
        }

        @Override
        public void load() {
            // nothing on disk
        }

        @Override
        public void save() {
            // nothing to disk
        }

        @Override
        public boolean isOutdated() {
            return false;
        }
    }
}
