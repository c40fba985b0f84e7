package dev.forge.core.port;

import java.nio.file.Path;

/**
 * One opened local repository ({@code .forge/}): its objects, metadata and config. Opening takes the
 * repository's lock; close releases it.
 */
public interface LocalStore extends AutoCloseable {
  Path workTree();

  Path forgeDir();

  RepoConfig config();

  void saveConfig(RepoConfig config);

  ObjectStore objects();

  MetadataStore metadata();

  /** Checks every pack record and index entry; reports problems to {@code problems}. */
  StorageCheck checkStorage(ProgressListener progress);

  /** Pack files and their total size on disk. */
  StorageUsage usage();

  @Override
  void close();

  record StorageCheck(long packs, long records, long indexEntries, java.util.List<String> problems) {}

  record StorageUsage(long packs, long packBytes, long objects, long chunkRawBytes, long chunks) {}
}
