package dev.forge.core.port;

import dev.forge.core.model.ObjectId;
import java.util.List;

/**
 * A merge that stopped on conflicts: what is being merged in, from where, and the paths still in
 * conflict with their three versions ({@code null} = the path did not exist on that side).
 */
public record MergeState(ObjectId ours, ObjectId theirs, String theirsName, ObjectId base, List<Conflict> conflicts) {
    public MergeState {
        conflicts = List.copyOf(conflicts);
    }

    public record Conflict(String path, StageEntry base, StageEntry ours, StageEntry theirs) {}

    public MergeState without(String path) {
        return new MergeState(
                ours,
                theirs,
                theirsName,
                base,
                conflicts.stream().filter(c -> !c.path().equals(path)).toList());
    }

    public Conflict conflict(String path) {
        for (Conflict c : conflicts) {
            if (c.path().equals(path)) return c;
        }
        return null;
    }
}
