package dev.forge.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;

class RefspecTest {
    @Test
    void aBranchNameIsTheSameOnBothSides() {
        assertEquals(new Refspec("main", "main"), Refspec.parse("main"));
        assertEquals(new Refspec("shot/010", "shot/010"), Refspec.parse("shot/010"));
        assertEquals(Refspec.parse("main"), Refspec.of("main"));
    }

    @Test
    void localColonRemoteNamesBothSides() {
        Refspec r = Refspec.parse("wip:review/ana");
        assertEquals("wip", r.local());
        assertEquals("review/ana", r.remote());
    }

    @Test
    void anEmptySideOrASecondColonIsRefusedWithTheTextGiven() {
        for (String bad : new String[] {":main", "main:", ":", "a:b:c"}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Refspec.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e::getMessage);
        }
    }

    @Test
    void namesThatAreNotBranchNamesAreRefused() {
        for (String bad : new String[] {"main:../../config", "a b", "main:x~1", "-f", "HEAD", ""}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Refspec.parse(bad), bad);
            assertTrue(e.getMessage().contains("not a valid branch name"), e::getMessage);
        }
    }
}
