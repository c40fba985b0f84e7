package dev.forge.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.codec.CompressionPolicy;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** forge config's table of keys, through the real .forge/config file (written, reopened, read). */
class SettingsTest {
    @TempDir
    Path dir;

    private final RocksLocalStoreFactory factory = new RocksLocalStoreFactory();

    private Repository open() {
        return Files.isDirectory(dir.resolve(".forge"))
                ? Repository.open(factory, dir)
                : Repository.init(factory, dir, RepoConfig.defaults());
    }

    @Test
    void defaultsAreListedAndUnsetUserKeysAreNot() {
        try (Repository repo = open()) {
            Settings s = new Settings(repo);
            assertEquals(
                    Map.of(
                            "compression",
                            "auto",
                            "gc.graceDays",
                            "14",
                            "remote.timeout",
                            "30",
                            "remote.maxWait",
                            "120",
                            "lock.readOnly",
                            "false",
                            "lock.mainline",
                            "main"),
                    s.list());
            assertEquals(Optional.empty(), s.get("user.name"));
            assertEquals(Optional.empty(), s.get("lock.lockable"));
        }
    }

    @Test
    void setValuesSurviveReopeningAndUnsetRestoresDefaults() {
        try (Repository repo = open()) {
            Settings s = new Settings(repo);
            s.set("compression", "max");
            s.set("gc.graceDays", " 3 ");
            s.set("user.name", "Ana Lima");
            s.set("user.email", "ana@studio.example");
            s.set("remote.timeout", "45");
            s.set("remote.maxWait", "0");
            s.set("lock.readOnly", "yes");
            s.set("lock.mainline", " main, release ,");
            s.set("lock.lockable", "*.psd,*.ma");
        }
        try (Repository repo = open()) {
            Settings s = new Settings(repo);
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("compression", "max");
            expected.put("gc.graceDays", "3");
            expected.put("user.name", "Ana Lima");
            expected.put("user.email", "ana@studio.example");
            expected.put("remote.timeout", "45");
            expected.put("remote.maxWait", "0");
            expected.put("lock.readOnly", "true");
            expected.put("lock.mainline", "main,release");
            expected.put("lock.lockable", "*.psd,*.ma");
            assertEquals(expected, s.list());
            s.unset("lock.mainline");
            assertEquals("main", s.get("lock.mainline").orElseThrow());
            assertEquals(45, repo.config().remoteTimeout());
            s.unset("remote.timeout");
            assertEquals(CompressionPolicy.MAX, repo.config().compression());
            assertEquals(3, repo.config().gcGraceDays());
            s.unset("compression");
            s.unset("user.name");
            s.unset("user.name"); // unsetting what is not set is fine
        }
        try (Repository repo = open()) {
            Settings s = new Settings(repo);
            assertEquals(Optional.of("auto"), s.get("compression"));
            assertEquals(Optional.empty(), s.get("user.name"));
            assertEquals(Optional.of("ana@studio.example"), s.get("user.email"));
            assertEquals(Optional.of("30"), s.get("remote.timeout"), "back to the default");
            assertEquals(null, repo.config().remoteTimeout());
            assertEquals(0, repo.config().remoteMaxWait());
            assertEquals(RepoConfig.defaults().chunking(), repo.config().chunking(), "chunking never changes");
        }
    }

    @Test
    void unknownAndReservedKeysAreRefusedNamingTheKnownOnes() {
        try (Repository repo = open()) {
            Settings s = new Settings(repo);
            for (String key : new String[] {"colour", "user", "remote.origin", "gc.grace"}) {
                InvalidInputException e = assertThrows(InvalidInputException.class, () -> s.get(key), key);
                assertTrue(e.getMessage().contains("unknown setting '" + key + "'"), e::getMessage);
                assertTrue(e.getMessage().contains("compression, gc.graceDays, user.name, user.email"), e::getMessage);
            }
            for (String key : new String[] {"remote.origin.url"}) {
                InvalidInputException e = assertThrows(InvalidInputException.class, () -> s.set(key, "1"), key);
                assertTrue(e.getMessage().contains("reserved"), e::getMessage);
                assertTrue(e.getMessage().contains("user.email"), e::getMessage);
            }
        }
    }

    @Test
    void storeMaxSizeTakesSizesAsPeopleWriteThemAndSurvivesReopening() {
        try (Repository repo = open()) {
            Settings s = new Settings(repo);
            assertTrue(s.get("store.maxSize").isEmpty());
            s.set("store.maxSize", "50G");
            assertEquals(50L << 30, repo.config().storeMaxSize());
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> s.set("store.maxSize", "lots"));
            assertTrue(e.getMessage().contains("store.maxSize"), e::getMessage);
        }
        try (Repository repo = open()) {
            assertEquals(
                    Long.toString(50L << 30),
                    new Settings(repo).get("store.maxSize").orElseThrow());
            new Settings(repo).unset("store.maxSize");
            assertEquals(null, repo.config().storeMaxSize());
        }
    }

    @Test
    void badValuesAreRefusedAndNothingChanges() {
        try (Repository repo = open()) {
            Settings s = new Settings(repo);
            s.set("user.name", "Ana");
            assertThrows(InvalidInputException.class, () -> s.set("compression", "gzip"));
            assertThrows(InvalidInputException.class, () -> s.set("gc.graceDays", "-1"));
            assertThrows(InvalidInputException.class, () -> s.set("gc.graceDays", "two"));
            assertThrows(InvalidInputException.class, () -> s.set("user.name", "Ana <ana@x>"));
            assertThrows(InvalidInputException.class, () -> s.set("user.name", "Ana\nLima"));
            assertThrows(InvalidInputException.class, () -> s.set("user.name", "  "));
            assertThrows(InvalidInputException.class, () -> s.set("user.email", "ana at x"));
            assertThrows(InvalidInputException.class, () -> s.set("remote.timeout", "0"));
            assertThrows(InvalidInputException.class, () -> s.set("remote.timeout", "90000"));
            assertThrows(InvalidInputException.class, () -> s.set("remote.maxWait", "-1"));
            assertThrows(InvalidInputException.class, () -> s.set("remote.maxWait", "soon"));
            assertThrows(InvalidInputException.class, () -> s.set("lock.readOnly", "sometimes"));
            assertThrows(InvalidInputException.class, () -> s.set("lock.mainline", " , "));
            assertEquals(
                    Map.of(
                            "compression", "auto",
                            "gc.graceDays", "14",
                            "user.name", "Ana",
                            "remote.timeout", "30",
                            "remote.maxWait", "120",
                            "lock.readOnly", "false",
                            "lock.mainline", "main"),
                    s.list());
        }
    }

    @Test
    void aRemotesPriceIsKeptPerRemoteAcrossReopening() {
        try (Repository repo = open()) {
            Settings s = new Settings(repo);
            s.set("remote.origin.pricePerGiBMonth", "0.023");
            s.set("remote.nas.backup.pricePerGiBMonth", "0");
            assertThrows(InvalidInputException.class, () -> s.set("remote.origin.pricePerGiBMonth", "cheap"));
            assertThrows(InvalidInputException.class, () -> s.set("remote.origin.pricePerGiBMonth", "-1"));
            assertThrows(InvalidInputException.class, () -> s.set("remote.origin.url", "x"));
        }
        try (Repository repo = open()) {
            Settings s = new Settings(repo);
            assertEquals(Optional.of("0.023"), s.get("remote.origin.pricePerGiBMonth"));
            assertEquals(Optional.of("0"), s.get("remote.nas.backup.pricePerGiBMonth"));
            assertEquals("0.023", s.list().get("remote.origin.pricePerGiBMonth"));
            assertEquals(Optional.empty(), s.get("remote.other.pricePerGiBMonth"));
            s.unset("remote.origin.pricePerGiBMonth");
        }
        try (Repository repo = open()) {
            assertEquals(Optional.empty(), new Settings(repo).get("remote.origin.pricePerGiBMonth"));
            assertEquals(Map.of("nas.backup", "0"), repo.config().remotePrices());
        }
    }
}
