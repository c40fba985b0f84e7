package dev.forge.mirror.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.chunk.ChunkerParams;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RemoteConfigTest {
    private static final String WHERE = "file:///r";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void todaysConfigWithoutFeatureListsIsValidAndEncodesAsBefore() {
        RemoteConfig c = RemoteConfig.parse(
                utf8("{\"format\": 1, \"chunking\": {\"algorithm\": \"fastcdc2020\","
                        + " \"min\": 16384, \"avg\": 65536, \"max\": 262144}}"),
                WHERE);
        assertEquals(1, c.format());
        assertEquals(Set.of(), c.readerFeatures());
        assertEquals(Set.of(), c.writerFeatures());
        c.requireWritable(WHERE);
        String encoded = new String(RemoteConfig.of(ChunkerParams.DEFAULT).encode(), StandardCharsets.UTF_8);
        assertFalse(encoded.contains("Features"), encoded);
        assertEquals(RemoteConfig.of(ChunkerParams.DEFAULT), RemoteConfig.parse(utf8(encoded), WHERE));
    }

    @Test
    void anUnknownReaderFeatureRefusesReadingAndNamesIt() {
        byte[] b = utf8("{\"format\": 1, \"readerFeatures\": [\"pack-list\", \"zz-encrypted\"]}");
        ForgeException e = assertThrows(ForgeException.class, () -> RemoteConfig.parse(b, WHERE));
        assertFalse(e instanceof IntegrityException, "a newer remote is not a damaged one");
        assertTrue(
                e.getMessage().contains("features 'pack-list', 'zz-encrypted'")
                        && e.getMessage().contains(WHERE)
                        && e.getMessage().contains("upgrade forge"),
                e.getMessage());
        RemoteConfig known = RemoteConfig.parse(b, WHERE, Set.of("pack-list", "zz-encrypted"));
        assertEquals(Set.of("pack-list", "zz-encrypted"), known.readerFeatures());
    }

    @Test
    void anUnknownWriterFeatureAllowsReadingButRefusesWriting() {
        byte[] b = utf8("{\"format\": 1, \"writerFeatures\": [\"pack-list\", \"zz-encrypted\"]}");
        RemoteConfig c = RemoteConfig.parse(b, WHERE);
        assertEquals(Set.of("pack-list", "zz-encrypted"), c.writerFeatures());
        ForgeException e = assertThrows(ForgeException.class, () -> c.requireWritable(WHERE));
        assertTrue(
                e.getMessage().contains("feature 'zz-encrypted'")
                        && e.getMessage().contains("upgrade forge to push"),
                e.getMessage());
        c.requireWritable(WHERE, Set.of("pack-list", "zz-encrypted"));
    }

    @Test
    void featuresRoundTripSorted() {
        RemoteConfig c = new RemoteConfig(1, ChunkerParams.DEFAULT, Set.of("b-x", "a-y"), Set.of("c"));
        String encoded = new String(c.encode(), StandardCharsets.UTF_8);
        assertTrue(encoded.indexOf("a-y") < encoded.indexOf("b-x"), encoded);
        assertEquals(c, RemoteConfig.parse(utf8(encoded), WHERE, Set.of("a-y", "b-x")));
    }

    @Test
    void aNewerFormatIsRefusedWhateverItsFeatures() {
        ForgeException e = assertThrows(
                ForgeException.class, () -> RemoteConfig.parse(utf8("{\"format\": 2, \"readerFeatures\": []}"), WHERE));
        assertTrue(e.getMessage().contains("format 2") && e.getMessage().contains("upgrade forge"), e.getMessage());
    }

    @Test
    void malformedFeatureListsAreDamage() {
        for (String bad : new String[] {
            "{\"format\": 1, \"readerFeatures\": \"pack-list\"}",
            "{\"format\": 1, \"writerFeatures\": [1]}",
            "{\"format\": 1, \"writerFeatures\": [\"Pack List\"]}"
        }) {
            assertThrows(IntegrityException.class, () -> RemoteConfig.parse(utf8(bad), WHERE), bad);
        }
    }
}
