package dev.forge.core.port;

import dev.forge.core.model.ContentRef;
import dev.forge.core.model.FileKind;

/** One tracked path in the stage (what the next commit records). Paths use '/' and are relative. */
public record StageEntry(String path, FileKind kind, ContentRef content) {}
