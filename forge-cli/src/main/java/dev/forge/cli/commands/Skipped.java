package dev.forge.cli.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forge.core.error.PartialResultException;
import dev.forge.core.repo.SkippedPath;
import java.util.List;

/** The paths a command left out: as JSON ({@code "skipped": [{"path", "reason"}]}) and as its exit 12. */
final class Skipped {
    private Skipped() {}

    static void json(ArrayNode a, List<SkippedPath> skipped) {
        for (SkippedPath s : skipped) a.addObject().put("path", s.path()).put("reason", s.reason());
    }

    /** Ends the command with exit 12 when it skipped anything; {@code done} says what it did with the rest. */
    static void check(List<SkippedPath> skipped, String done) {
        if (skipped.isEmpty()) return;
        List<String> listed = skipped.stream().map(SkippedPath::listed).toList();
        throw new PartialResultException(
                "skipped " + skipped.size() + " path" + (skipped.size() == 1 ? "" : "s") + " (" + done + ")", listed);
    }
}
