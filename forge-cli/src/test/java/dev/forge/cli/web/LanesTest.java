package dev.forge.cli.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.forge.core.model.Commit;
import dev.forge.core.model.ObjectId;
import dev.forge.core.repo.History;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class LanesTest {
    static ObjectId id(int n) {
        byte[] b = new byte[ObjectId.LENGTH];
        b[0] = (byte) n;
        return ObjectId.of(b);
    }

    static History.Entry entry(int n, int... parents) {
        List<ObjectId> p =
                java.util.Arrays.stream(parents).mapToObj(LanesTest::id).toList();
        return new History.Entry(
                id(n), new Commit(id(99), p, "a", OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), "m"));
    }

    @Test
    void aLineIsOneLane() {
        assertEquals(List.of("●", "●", "●"), Lanes.draw(List.of(entry(3, 2), entry(2, 1), entry(1))));
    }

    @Test
    void aMergeOpensALaneThatClosesAtTheForkPoint() {
        // 4 merges 3 and 2; 3 and 2 both come from 1.
        List<String> rows = Lanes.draw(List.of(entry(4, 3, 2), entry(3, 1), entry(2, 1), entry(1)));
        assertEquals(List.of("●", "● │", "│ ●", "● ┘"), rows);
    }
}
