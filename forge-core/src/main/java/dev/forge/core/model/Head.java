package dev.forge.core.model;

import java.util.Optional;

/** What HEAD names: a branch (which may not exist yet, before the first commit) or a detached commit. */
public sealed interface Head {
  record OnBranch(String branch) implements Head {}

  record Detached(ObjectId commit) implements Head {}

  default Optional<String> branchName() {
    return this instanceof OnBranch b ? Optional.of(b.branch()) : Optional.empty();
  }
}
