package dev.forge.core.repo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class IgnoreRulesTest {
    private final IgnoreRules rules = IgnoreRules.parse(List.of(
            "# render caches",
            "*.tmp",
            "cache/",
            "/build",
            "renders/**/preview.*",
            "!keep.tmp",
            "doc/*.bak",
            "frame_00[0-4].exr"));

    @Test
    void unanchoredPatternsMatchAtAnyDepth() {
        assertTrue(rules.ignored("a.tmp", false));
        assertTrue(rules.ignored("shots/010/a.tmp", false));
        assertFalse(rules.ignored("a.tmpx", false));
    }

    @Test
    void negationWinsWhenLast() {
        assertFalse(rules.ignored("keep.tmp", false));
        assertFalse(rules.ignored("x/keep.tmp", false));
    }

    @Test
    void directoryOnlyAndAnchoredPatterns() {
        assertTrue(rules.ignored("cache", true));
        assertTrue(rules.ignored("shots/cache", true));
        assertFalse(rules.ignored("cache", false));
        assertTrue(rules.ignored("build", true));
        assertTrue(rules.ignored("build", false));
        assertFalse(rules.ignored("src/build", true));
    }

    @Test
    void doubleStarCharacterClassesAndSingleLevelStar() {
        assertTrue(rules.ignored("renders/preview.jpg", false));
        assertTrue(rules.ignored("renders/a/b/preview.png", false));
        assertFalse(rules.ignored("renders/a/final.png", false));
        assertTrue(rules.ignored("doc/x.bak", false));
        assertFalse(rules.ignored("doc/sub/x.bak", false));
        assertTrue(rules.ignored("frame_003.exr", false));
        assertFalse(rules.ignored("frame_007.exr", false));
    }

    @Test
    void gitAndForgeFoldersAreIgnoredAtAnyDepthWhateverThePatternsSay() {
        IgnoreRules negating = IgnoreRules.parse(List.of("!.git", "!.git/**", "!.forge/", "!*"));
        for (IgnoreRules r : List.of(IgnoreRules.NONE, rules, negating)) {
            assertTrue(r.ignored(".git", true));
            assertTrue(r.ignored(".git", false), "a git worktree's or submodule's .git file");
            assertTrue(r.ignored(".git/config", false));
            assertTrue(r.ignored("vendor/lib/.git/objects/ab/cdef", false));
            assertTrue(r.ignored("sub/.forge", true));
            assertTrue(r.ignored("sub/.forge/packs/p", false));
            assertFalse(r.ignored(".gitignore", false));
            assertFalse(r.ignored("a.git/x", false));
            assertFalse(r.ignored(".forgeignore", false));
        }
    }
}
