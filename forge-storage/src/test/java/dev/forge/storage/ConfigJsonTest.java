package dev.forge.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ConfigJson against jackson-core's parser, which read the config before it: the same values for every
 * document jackson accepts, a rejection for every one it rejects, including every single-bit flip of a
 * real config.
 */
class ConfigJsonTest {
    private static final String CONFIG = """
            {
              "format" : 2,
              "chunking" : {
                "algorithm" : "fastcdc2020",
                "min" : 16384,
                "avg" : 65536,
                "max" : 262144
              },
              "compression" : "auto",
              "gc" : {
                "graceDays" : 14
              },
              "user" : {
                "name" : "Ana \\"A\\" Lopes\\u00e9\\n",
                "email" : "ana@example.org"
              },
              "lock" : {
                "readOnly" : true,
                "mainline" : null
              },
              "remotePricePerGiBMonth" : {
                "s3.eu" : "0.023"
              },
              "later" : [ 1, { "a" : [ ] }, "x", -0.5e3, false ]
            }""";

    /** What ConfigFile did with jackson-core: null when rejected. */
    private static Map<String, String> jackson(byte[] doc) {
        Map<String, String> out = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(doc)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            flatten(p, "", out);
            if (p.nextToken() != null) return null;
            return out;
        } catch (IOException e) {
            return null;
        }
    }

    private static void flatten(JsonParser p, String prefix, Map<String, String> out) throws IOException {
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            if (t != JsonToken.FIELD_NAME) throw new IOException("unexpected " + t);
            String key = prefix + p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.START_OBJECT) {
                flatten(p, key + ".", out);
            } else if (v == JsonToken.START_ARRAY) {
                p.skipChildren();
            } else if (v == null) {
                throw new IOException("truncated");
            } else {
                out.put(key, p.getValueAsString());
            }
        }
    }

    private static Map<String, String> ours(byte[] doc) {
        Map<String, String> out = new HashMap<>();
        try {
            return ConfigJson.read(doc, out) ? out : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Test
    void readsAConfigAsJacksonDid() throws IOException {
        byte[] doc = CONFIG.getBytes(StandardCharsets.UTF_8);
        Map<String, String> out = new HashMap<>();
        assertTrue(ConfigJson.read(doc, out));
        assertEquals("16384", out.get("chunking.min"));
        assertEquals("Ana \"A\" Lopes\u00e9\n", out.get("user.name"));
        assertEquals("true", out.get("lock.readOnly"));
        assertTrue(out.containsKey("lock.mainline"));
        assertEquals(null, out.get("lock.mainline"));
        assertEquals("0.023", out.get("remotePricePerGiBMonth.s3.eu"));
        assertFalse(out.containsKey("later"));
        assertEquals(jackson(doc), out);
    }

    @Test
    void agreesWithJacksonOnEdgeCases() {
        List<String> docs = List.of(
                "{}",
                " \n\t{ } \r\n",
                "\uFEFF{\"a\":1}",
                "{\"a\":1,\"a\":2}",
                "{\"a\":-0}",
                "{\"a\":01}",
                "{\"a\":+1}",
                "{\"a\":1.}",
                "{\"a\":.5}",
                "{\"a\":1e}",
                "{\"a\":1E+9}",
                "{\"a\":123456789012345678901234567890}",
                "{\"a\":NaN}",
                "{\"a\":tru}",
                "{\"a\":truex}",
                "{\"a\":true1}",
                "{\"a\":1x}",
                "{'a':1}",
                "{a:1}",
                "{\"a\":1,}",
                "{\"a\":1}{}",
                "{\"a\":1} 2",
                "{\"a\":1} x",
                "[]",
                "1",
                "",
                "   ",
                "{\"a\":\"x\ty\"}",
                "{\"a\":\"\\x\"}",
                "{\"a\":\"\\u00zz\"}",
                "{\"a\":\"\\ud83d\\ude00\\/\"}",
                "{\"a\":[1,[2,[3]],{\"b\":[]}]}",
                "{\"a\":[1,]}",
                "{\"a\":[1 2]}",
                "{\"a\"  :  { \"b\" : { \"c\" : \"d\" } } }",
                "{\"a\":1 /* c */}",
                "{\"a\":\"unterminated}",
                "{\"a\":",
                "{\"a\"",
                "{");
        for (String d : docs) {
            byte[] b = d.getBytes(StandardCharsets.UTF_8);
            assertEquals(jackson(b), ours(b), d);
        }
        byte[] badUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'};
        assertEquals(null, jackson(badUtf8));
        assertEquals(null, ours(badUtf8));
    }

    @Test
    void agreesWithJacksonOnEveryBitFlipOfAConfig() {
        byte[] doc = CONFIG.getBytes(StandardCharsets.UTF_8);
        int accepted = 0;
        for (int pos = 0; pos < doc.length; pos++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] d = doc.clone();
                d[pos] ^= (byte) (1 << bit);
                Map<String, String> want = jackson(d);
                assertEquals(want, ours(d), () -> "flip of bit in:\n" + new String(d, StandardCharsets.UTF_8));
                if (want != null) accepted++;
            }
        }
        assertTrue(accepted > 100, "too few flips accepted to compare values: " + accepted);
    }

    @Test
    void refusesDeepNesting() {
        String deep = "{\"a\":".repeat(100) + "1" + "}".repeat(100);
        assertThrows(IOException.class, () -> ConfigJson.read(deep.getBytes(StandardCharsets.UTF_8), new HashMap<>()));
    }
}
