package dev.forge.storage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NativeLibrariesTest {
    /** The library mapped into this process is the cached copy, not a fresh extraction to the temp folder. */
    @Test
    void rocksDbIsLoadedFromTheUserCache() throws Exception {
        NativeLibraries.loadRocksDb();
        List<String> mapped = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(l -> l.contains("librocksdbjni"))
                .map(l -> l.substring(l.indexOf('/')))
                .distinct()
                .toList();
        assertFalse(mapped.isEmpty(), "RocksDB's library is not mapped");
        Path cache = NativeLibraries.cacheDir().toRealPath();
        for (String m : mapped) assertTrue(Path.of(m).startsWith(cache), "loaded from " + m + ", not from " + cache);
    }
}
