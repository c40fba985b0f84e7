package dev.forge.core.port;

import dev.forge.core.model.ObjectId;
import java.time.Instant;
import java.util.List;

/**
 * One entry of the operation log: what a command changed in refs (branches, tags, remote-tracking
 * refs), HEAD, the stage and the configured remotes, with the values before and after, so that it can
 * be undone (and the undo undone). {@code null} ids and URLs mean "did not exist"; the stage is
 * recorded as the id of a tree object holding it (null when not recorded). {@code movedWorkTree} says
 * the command rewrote the work tree to match {@code stageAfter} (checkout, switch, merge), so that undo
 * knows to move it back. Written by {@code dev.forge.core.repo.Transaction}, never assembled by hand.
 */
public record Operation(
        Instant time,
        String command,
        String headBefore,
        String headAfter,
        List<RefChange> refChanges,
        ObjectId stageBefore,
        ObjectId stageAfter,
        boolean movedWorkTree,
        List<RemoteChange> remoteChanges) {
    public Operation {
        refChanges = List.copyOf(refChanges);
        remoteChanges = List.copyOf(remoteChanges);
    }

    public record RefChange(String ref, ObjectId before, ObjectId after) {}

    /** A configured remote added ({@code before} null), removed ({@code after} null) or re-pointed. */
    public record RemoteChange(String name, String before, String after) {}

    /** Every commit or tree this entry names: gc keeps them while the entry is within its grace period. */
    public List<ObjectId> roots() {
        List<ObjectId> out = new java.util.ArrayList<>();
        for (RefChange c : refChanges) {
            if (c.before() != null) out.add(c.before());
            if (c.after() != null) out.add(c.after());
        }
        if (stageBefore != null) out.add(stageBefore);
        if (stageAfter != null) out.add(stageAfter);
        return out;
    }
}
