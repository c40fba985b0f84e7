package dev.forge.core.port;

import dev.forge.core.model.ObjectId;
import java.time.Instant;
import java.util.List;

/**
 * One entry of the operation log: what a command changed in refs and HEAD, with the values before and
 * after, so that it can be undone. {@code null} ids mean "did not exist".
 */
public record Operation(Instant time, String command, String headBefore, String headAfter, List<RefChange> refChanges) {
  public Operation {
    refChanges = List.copyOf(refChanges);
  }

  public record RefChange(String ref, ObjectId before, ObjectId after) {}
}
