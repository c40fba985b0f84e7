package dev.forge.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON that commands print, built with Jackson's tree model. Jackson is loaded only when a command
 * prints JSON: its classes cost about a tenth of a second of start-up, which text output does not pay.
 */
public final class Json {
    private Json() {}

    private static final class Mapper {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    public static ObjectNode object() {
        return Mapper.MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return Mapper.MAPPER.createArrayNode();
    }

    /** Indented, for a command's result. */
    static String pretty(JsonNode node) {
        return write(node, true);
    }

    /** On one line, for an error. */
    static String line(JsonNode node) {
        return write(node, false);
    }

    private static String write(JsonNode node, boolean indent) {
        try {
            return (indent ? Mapper.MAPPER.writerWithDefaultPrettyPrinter() : Mapper.MAPPER.writer())
                    .writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
