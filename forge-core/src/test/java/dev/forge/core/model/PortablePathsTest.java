package dev.forge.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PortablePathsTest {
    /**
     * A simulated case-insensitive file system: writing each path in turn into a map keyed the way such a
     * file system compares names loses exactly the files caseCollisions reports.
     */
    @Test
    void caseCollisionsAreExactlyWhatACaseInsensitiveFileSystemWouldMerge() {
        List<String> paths = List.of(
                "shots/SH010/plate.exr",
                "shots/sh010/Plate.exr",
                "shots/sh010/plate.exr",
                "audio/Mix.wav",
                "audio/mix.WAV.bak",
                "Straße.txt",
                "STRASSE.txt",
                "Élan.txt",
                "élan.txt",
                "readme.md");
        // The simulated file system compares names by upper-casing each character (NTFS's upcase table).
        Map<String, String> fs = new HashMap<>();
        for (String p : paths) {
            StringBuilder key = new StringBuilder();
            p.codePoints().forEach(cp -> key.appendCodePoint(Character.toUpperCase(cp)));
            fs.put(key.toString(), p);
        }
        int lost = paths.size() - fs.size();
        List<List<String>> groups = PortablePaths.caseCollisions(paths);
        assertEquals(
                List.of(List.of("shots/SH010/plate.exr", "shots/sh010/Plate.exr", "shots/sh010/plate.exr")),
                groups.stream().filter(g -> g.get(0).startsWith("shots")).toList());
        int reported = groups.stream().mapToInt(g -> g.size() - 1).sum();
        assertEquals(lost, reported);
        assertTrue(PortablePaths.caseCollisions(List.of("a/b", "a/c", "A")).isEmpty());
    }

    @Test
    void windowsReservedNamesAndCharacters() {
        for (String bad : List.of(
                "CON",
                "con.txt",
                "dir/Nul.tar.gz",
                "COM1",
                "lpt9.log",
                "a/aux",
                "trailing.",
                "sp ",
                "what?.txt",
                "a:b",
                "tab\there",
                "quote\"d")) {
            assertTrue(PortablePaths.windowsProblem(bad).isPresent(), bad);
        }
        for (String ok :
                List.of("console.txt", "CONTRACT.pdf", "com10", "nul_frames/0001.exr", "a.b.c", "lpt", ".hidden")) {
            assertTrue(PortablePaths.windowsProblem(ok).isEmpty(), ok);
        }
        List<PortablePaths.Problem> all = PortablePaths.check(List.of("A.txt", "a.txt", "prn.doc", "fine.txt"));
        assertEquals(2, all.size(), all::toString);
    }

    @Test
    void checkingStagedPathsAgainstTheRestFindsWhatCheckingEverythingFindsAboutThem() {
        java.util.Random rnd = new java.util.Random(16);
        String[] names = {"a", "A", "b", "\u00e9", "\u00c9", "\u212a", "k", "K", "con", "x.", "\u0130", "i", "I"};
        for (int round = 0; round < 300; round++) {
            java.util.Set<String> stage = new java.util.TreeSet<>();
            java.util.Set<String> staged = new java.util.TreeSet<>();
            for (int i = rnd.nextInt(12); i > 0; i--) {
                String p = names[rnd.nextInt(names.length)] + "/" + names[rnd.nextInt(names.length)];
                (rnd.nextInt(3) == 0 ? staged : stage).add(p);
            }
            if (rnd.nextBoolean() && !stage.isEmpty())
                staged.add(stage.iterator().next()); // staged again
            java.util.Set<String> all = new java.util.TreeSet<>(stage);
            all.addAll(staged);
            List<PortablePaths.Problem> expected = new java.util.ArrayList<>();
            for (List<String> g : PortablePaths.caseCollisions(all)) {
                if (g.stream().anyMatch(staged::contains))
                    expected.add(new PortablePaths.Problem(
                            g.get(0),
                            "differs only by case from " + String.join(", ", g.subList(1, g.size()))
                                    + ": one file on a case-insensitive file system (macOS, Windows)"));
            }
            for (String p : staged)
                PortablePaths.windowsProblem(p).ifPresent(w -> expected.add(new PortablePaths.Problem(p, w)));
            assertEquals(
                    expected, PortablePaths.check(staged, stage), "round " + round + ": " + staged + " among " + stage);
        }
    }

    @Test
    void checkoutRefusesCollisionsOnlyWhereCaseIsNotTold(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        List<String> paths = List.of("Shot.txt", "shot.txt", "other.txt");
        // A simulated case-insensitive file system refuses; a case-sensitive one (and no collision) passes.
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.forge.core.error.WouldOverwriteException.class,
                () -> PortablePaths.requireDistinctOn(true, paths, "X"));
        assertTrue(e.getMessage().contains("'Shot.txt' and 'shot.txt' differ only by case"), e.getMessage());
        PortablePaths.requireDistinctOn(false, paths, "X");
        PortablePaths.requireDistinctOn(true, List.of("a.txt", "b.txt"), "X");
        // This machine's temporary folder (Linux, ext4 or tmpfs) tells case apart; the probe leaves nothing.
        org.junit.jupiter.api.Assertions.assertFalse(PortablePaths.caseInsensitive(dir));
        assertEquals(0, dir.toFile().list().length);
    }

    /** windowsProblem as it was written first (split, strip, upper-case every name): the reference. */
    private static java.util.Optional<String> windowsProblemReference(String path) {
        java.util.regex.Pattern device = java.util.regex.Pattern.compile(
                "CON|PRN|AUX|NUL|COM[1-9\u00b9\u00b2\u00b3]|LPT[1-9\u00b9\u00b2\u00b3]|CONIN\\$|CONOUT\\$");
        for (String name : path.split("/")) {
            String base = name.indexOf('.') >= 0 ? name.substring(0, name.indexOf('.')) : name;
            String upper = base.strip().toUpperCase(java.util.Locale.ROOT);
            if (upper.length() >= 3
                    && upper.length() <= 7
                    && device.matcher(upper).matches()) {
                return java.util.Optional.of("'" + name + "' is a reserved device name on Windows");
            }
            if (name.endsWith(".") || name.endsWith(" ")) {
                return java.util.Optional.of("'" + name + "' ends in a dot or a space, which Windows drops");
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c < 0x20 || "<>:\"\\|?*".indexOf(c) >= 0) {
                    return java.util.Optional.of("'" + name + "' holds a character Windows does not allow in names ("
                            + (c < 0x20 ? "control character " + (int) c : String.valueOf(c)) + ")");
                }
            }
        }
        return java.util.Optional.empty();
    }

    @Test
    void windowsProblemsAreFoundAsTheFirstWayOfWritingItFoundThem() {
        String[] pieces = {
            "con",
            "CON",
            "Con.txt",
            " nul",
            "aux ",
            "com1",
            "COM\u00b9",
            "lpt9.x.y",
            "conin$",
            "CONOUT$",
            "prn.",
            "a",
            "b.",
            "c ",
            "d<",
            "e:f",
            "g\u0001",
            "\u00df",
            "\u0131",
            "\u017f",
            "\u2003con",
            "\u00a0nul",
            "seq_000",
            "frame.0000001.bin",
            "",
            ".",
            "..",
            " ",
            "P",
            "comx",
            "LPT0",
            "\uD83D\uDE00",
            "\u212a",
            "\u1e9aux",
            "\ufb00",
            "\u0149ul"
        };
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 200_000; i++) {
            StringBuilder sb = new StringBuilder();
            int names = 1 + rnd.nextInt(3);
            for (int k = 0; k < names; k++) {
                if (k > 0) sb.append('/');
                sb.append(pieces[rnd.nextInt(pieces.length)]);
                if (rnd.nextInt(4) == 0) sb.append(pieces[rnd.nextInt(pieces.length)]);
            }
            if (rnd.nextInt(20) == 0) sb.append('/');
            String path = sb.toString();
            assertEquals(windowsProblemReference(path), PortablePaths.windowsProblem(path), path);
        }
    }
}
