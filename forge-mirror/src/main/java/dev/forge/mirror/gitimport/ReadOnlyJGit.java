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
 * first in a folder of Forge's ({@code .forge/tmp}); JGit caches it per file store, so a source on the
 * same file system is never probed. (A source on another file system still gets one probe file, created
 * and deleted by JGit; docs/cli.md says so.)
 */
final class ReadOnlyJGit {
    private static boolean installed;

    private ReadOnlyJGit() {}

    static synchronized void prepare(Path forgeDir) {
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
