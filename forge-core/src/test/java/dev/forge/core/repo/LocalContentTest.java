package dev.forge.core.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LocalContentTest {
    @Test
    void oneFileIsNamedWithTheCommandThatFetchesIt() {
        String m = LocalContent.notFetched(List.of("audio/mix.wav"), "HEAD~1").getMessage();
        assertEquals(
                "'audio/mix.wav' (in HEAD~1) is outside this sparse clone: its contents were never fetched;"
                        + " fetch it with: forge sparse add audio/mix.wav",
                m);
    }

    @Test
    void manyFilesNameTheFirstFewAndAFolderThatHoldsThem() {
        List<String> paths = List.of("audio/a.wav", "audio/b.wav", "audio/c.wav", "audio/stems/d.wav");
        String m = LocalContent.notFetched(paths, null).getMessage();
        assertTrue(m.startsWith("4 files are outside this sparse clone"), m);
        assertTrue(m.contains("audio/a.wav, audio/b.wav, audio/c.wav, ..."), m);
        assertTrue(m.endsWith("fetch them with: forge sparse add audio"), m);
    }

    @Test
    void fetchPathsClimbToAtMostThreeOutermostFolders() {
        assertEquals(List.of("a/x", "b/y"), LocalContent.fetchPaths(List.of("a/x", "b/y")));
        assertEquals(List.of("a", "b/c"), LocalContent.fetchPaths(List.of("a/1/x", "a/2/y", "a/z", "b/c/1", "b/c/2")));
        assertEquals(List.of("PATH..."), LocalContent.fetchPaths(List.of("a", "b", "c", "d")));
        assertEquals(List.of("PATH..."), LocalContent.fetchPaths(List.of("a/x", "b/x", "c/x", "d/x")));
    }

    @Test
    void pathsThatAShellWouldSplitAreQuoted() {
        String m = LocalContent.notFetched(List.of("shot 010/it's.exr"), null).getMessage();
        assertTrue(m.endsWith("forge sparse add 'shot 010/it'\\''s.exr'"), m);
    }
}
