package dev.forge.mirror.gitimport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.InvalidInputException;
import dev.forge.core.model.ContentRef;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LfsPointerAndMapTest {
    private static final String OID = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393";

    @Test
    void parsesPointersAsGitLfsWritesThem() {
        String p = "version https://git-lfs.github.com/spec/v1\noid sha256:" + OID + "\nsize 12345\n";
        LfsPointer ptr = LfsPointer.parse(p.getBytes(UTF_8)).orElseThrow();
        assertEquals(OID, ptr.oid());
        assertEquals(12345, ptr.size());
        assertEquals("4d/7a/" + OID, ptr.relativePath());
        // Extension lines are allowed; the old "hawser" version line too.
        assertTrue(LfsPointer.parse(("version https://git-lfs.github.com/spec/v1\next-0-foo sha256:" + OID
                                + "\noid sha256:" + OID + "\nsize 1\n")
                        .getBytes(UTF_8))
                .isPresent());
        assertTrue(LfsPointer.parse(
                        ("version https://hawser.github.com/spec/v1\noid sha256:" + OID + "\nsize 1\n").getBytes(UTF_8))
                .isPresent());
    }

    @Test
    void ordinaryContentIsNotAPointer() {
        String good = "version https://git-lfs.github.com/spec/v1\noid sha256:" + OID + "\nsize 5\n";
        for (String s : new String[] {
            "",
            "hello\n",
            good.substring(0, good.length() - 1),
            good.replace("size 5", "size x"),
            good.replace(OID, OID.substring(1)),
            good.replace(OID, OID.toUpperCase(java.util.Locale.ROOT)),
            good.replace("oid sha256:" + OID + "\n", ""),
            "version https://example.com/spec\nsize 1\n"
        }) {
            assertTrue(LfsPointer.parse(s.getBytes(UTF_8)).isEmpty(), s);
        }
        byte[] big = (good + "x".repeat(1024) + "\n").getBytes(UTF_8);
        assertTrue(LfsPointer.parse(big).isEmpty());
    }

    @Test
    void mapSurvivesATornLastLineAndAppendsOnAFreshLine(@TempDir Path forgeDir) throws IOException {
        ObjectId a = ObjectId.parse("11".repeat(32));
        ObjectId b = ObjectId.parse("22".repeat(32));
        ImportMap m = ImportMap.load(forgeDir);
        Map<String, ObjectId> commits = new LinkedHashMap<>();
        commits.put("aa".repeat(20), a);
        Map<String, ContentRef> blobs = new LinkedHashMap<>();
        blobs.put("bb".repeat(20), new ContentRef(ObjectType.LIST, b, 99));
        m.append(commits, blobs);
        // A crash in the middle of the next append.
        Files.writeString(forgeDir.resolve(ImportMap.FILE), "commit cc", StandardOpenOption.APPEND);
        ImportMap again = ImportMap.load(forgeDir);
        assertEquals(a, again.commit("aa".repeat(20)).orElseThrow());
        assertEquals(
                new ContentRef(ObjectType.LIST, b, 99),
                again.blob("bb".repeat(20)).orElseThrow());
        assertTrue(again.commit("cc".repeat(20)).isEmpty());
        again.append(Map.of("dd".repeat(20), b), Map.of());
        ImportMap third = ImportMap.load(forgeDir);
        assertEquals(b, third.commit("dd".repeat(20)).orElseThrow());
        assertEquals(a, third.commit("aa".repeat(20)).orElseThrow());
        // Lookup by either id, whole or by prefix; an ambiguous prefix is refused.
        assertEquals("aa".repeat(20), third.find("aaaa").orElseThrow()[0]);
        assertEquals(b.hex(), third.find("dddddd").orElseThrow()[1]);
        assertEquals("dd".repeat(20), third.find(b.hex()).orElseThrow()[0]);
        assertTrue(third.find("eeee").isEmpty());
        assertTrue(third.find("abc").isEmpty(), "shorter than 4 digits");
        third.append(Map.of("2222" + "ab".repeat(18), a), Map.of());
        assertThrows(InvalidInputException.class, () -> ImportMap.load(forgeDir).find("2222"));
    }

    @Test
    void globMatchesAcrossSlashes() {
        assertTrue(GitImport.globPattern("release/*").matcher("release/2024/q1").matches());
        assertTrue(GitImport.globPattern("v?.x").matcher("v1.x").matches());
        assertTrue(!GitImport.globPattern("main").matcher("main2").matches());
        assertTrue(!GitImport.globPattern("a.b").matcher("axb").matches());
    }
}
