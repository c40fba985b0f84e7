package dev.forge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Json writes what ObjectMapper's writers wrote for the same tree, byte for byte. */
class JsonTest {
    @Test
    void writesWhatObjectMapperWrote() throws Exception {
        ObjectNode n = Json.object();
        n.put("branch", "main").put("head", (String) null).put("clean", true).put("dirty", false);
        n.put("count", 4000).put("bytes", 148_000_000_000L).put("ratio", 0.25).put("f", 1.5f);
        n.put("short", (short) 7).put("big", new BigInteger("123456789012345678901234567890"));
        n.put("dec", new BigDecimal("12.50"));
        n.put("text", "tab\t quote\" backslash\\ control\u0001 unicode é \u2028 emoji \uD83D\uDE00 </script>");
        n.putArray("empty");
        n.putObject("emptyObject");
        n.putNull("merge");
        var a = n.putArray("list");
        a.add("x").add(1).add(2.5).add(true).addNull();
        a.addObject().put("path", "a/b.png").putArray("inner").add(Json.array());
        n.set("nested", Json.object().set("deeper", Json.object().put("k", "v")));
        ObjectMapper m = new ObjectMapper();
        assertEquals(m.writerWithDefaultPrettyPrinter().writeValueAsString(n), Json.pretty(n));
        assertEquals(m.writer().writeValueAsString(n), Json.line(n));
        assertEquals(m.writerWithDefaultPrettyPrinter().writeValueAsString(Json.array()), Json.pretty(Json.array()));
    }
}
