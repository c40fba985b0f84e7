package dev.forge.core.error;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartialResultExceptionTest {
    @Test
    void theMessageListsThePaths() {
        PartialResultException e = new PartialResultException("skipped", List.of("a.wav", "shots/010.exr"));
        assertEquals("skipped: a.wav, shots/010.exr", e.getMessage());
        assertEquals(List.of("a.wav", "shots/010.exr"), e.paths());
    }

    @Test
    void aLongListIsShortenedInTheMessageButKeptWhole() {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 25; i++) paths.add("f" + i);
        PartialResultException e = new PartialResultException("not fetched", paths);
        assertEquals("not fetched: f0, f1, f2, f3, f4, f5, f6, f7, f8, f9 and 15 more", e.getMessage());
        assertEquals(25, e.paths().size());
    }
}
