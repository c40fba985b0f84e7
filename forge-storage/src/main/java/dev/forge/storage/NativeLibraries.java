package dev.forge.storage;

import dev.forge.core.error.ForgeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

/**
 * Loads RocksDB's JNI library from a per-user cache instead of letting RocksDB extract its 17 MB
 * library to a new temp file on every start (that alone costs tens of milliseconds per command).
 * The cached copy is named by the library's size and published by atomic rename,
 * so concurrent first runs cannot load a half-written file.
 */
final class NativeLibraries {
    private static volatile boolean loaded;

    private NativeLibraries() {}

    static synchronized void loadRocksDb() {
        if (loaded) return;
        String name = Environment.getJniLibraryFileName("rocksdb");
        // This build's link to its unpacked copy: a hit needs no look into the jar, whose URL machinery
        // (the resource's entry and its size) was half of loading the library.
        String build = dev.forge.core.io.BuildId.current();
        Path byBuild = build == null ? null : cacheDir().resolve("rocksdb-build-" + build);
        if (byBuild != null && Files.isRegularFile(byBuild.resolve(name))) {
            try {
                RocksDB.loadLibrary(List.of(byBuild.toString()));
                loaded = true;
                return;
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                // a damaged copy or link: unpack and link again below
            }
        }
        try {
            java.net.URL url = RocksDB.class.getClassLoader().getResource(name);
            if (url == null) {
                RocksDB.loadLibrary();
            } else {
                long size = url.openConnection().getContentLengthLong();
                Path dir = cacheDir().resolve("rocksdb-" + size);
                Path lib = dir.resolve(name);
                if (!Files.isRegularFile(lib) || Files.size(lib) != size) {
                    Files.createDirectories(dir);
                    Path tmp = Files.createTempFile(dir, name, ".part");
                    try (InputStream in = RocksDB.class.getClassLoader().getResourceAsStream(name)) {
                        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    }
                    Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                // RocksDB 11's loadLibrary(paths) looks for getJniLibraryFileName("rocksdbjni")
                // ("librocksdbjnijni-linux64.so"), not the name its jar uses; without this link it silently
                // fell back to extracting 17 MB to /tmp on every run. Computed, not hard-coded, so a RocksDB
                // that fixes the name still finds the file.
                Path wanted = dir.resolve(Environment.getJniLibraryFileName("rocksdbjni"));
                if (!wanted.equals(lib) && !Files.exists(wanted)) {
                    try {
                        Files.createSymbolicLink(wanted, lib.getFileName());
                    } catch (java.nio.file.FileAlreadyExistsException raced) {
                        // another forge made it first
                    }
                }
                RocksDB.loadLibrary(List.of(dir.toString()));
                if (byBuild != null) link(byBuild, dir);
            }
            loaded = true;
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            try {
                RocksDB.loadLibrary();
                loaded = true;
            } catch (RuntimeException | UnsatisfiedLinkError e2) {
                throw new ForgeException("cannot load the RocksDB native library: " + e2.getMessage(), e2);
            }
        }
    }

    /** Points {@code link} at {@code dir} (replacing what is there), by rename; best effort. */
    private static void link(Path link, Path dir) {
        try {
            Path tmp = link.resolveSibling(
                    link.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, dir.getFileName());
            Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            // the next start looks into the jar again
        }
    }

    static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("forge");
    }
}
