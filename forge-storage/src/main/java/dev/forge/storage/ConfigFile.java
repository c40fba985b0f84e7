package dev.forge.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.core.chunk.ChunkerParams;
import dev.forge.core.codec.CompressionPolicy;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.port.RepoConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * {@code .forge/config}: a small JSON document (docs/format.md, "Config"). Written to a temp file,
 * fsynced, then renamed over the old one, so it is always either the old or the new config.
 */
final class ConfigFile {
  static final String CHUNKER = "fastcdc2020";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ConfigFile() {}

  static void write(Path file, RepoConfig c) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", c.format());
    ObjectNode ch = root.putObject("chunking");
    ch.put("algorithm", CHUNKER);
    ch.put("min", c.chunking().minSize());
    ch.put("avg", c.chunking().avgSize());
    ch.put("max", c.chunking().maxSize());
    root.put("compression", c.compression().name().toLowerCase(java.util.Locale.ROOT));
    root.putObject("gc").put("graceDays", c.gcGraceDays());
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, JSON.writeValueAsBytes(root));
      try (FileChannel f = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        f.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      FileSync.directory(file.getParent());
    } catch (IOException e) {
      throw new ForgeException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  static RepoConfig read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IntegrityException("cannot read the repository config " + file + ": " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) throw new IntegrityException("the repository config " + file + " is not a JSON object");
    int format = root.path("format").asInt(-1);
    if (format < 1) throw new IntegrityException("the repository config " + file + " has no valid format number");
    if (format > RepoConfig.FORMAT) {
      throw new ForgeException("this repository has format " + format + ", newer than this forge understands ("
          + RepoConfig.FORMAT + "); upgrade forge");
    }
    JsonNode ch = root.path("chunking");
    if (!CHUNKER.equals(ch.path("algorithm").asText(CHUNKER))) {
      throw new ForgeException("this repository uses chunking algorithm '" + ch.path("algorithm").asText() + "', unknown to this forge");
    }
    try {
      ChunkerParams p = new ChunkerParams(ch.path("min").asInt(), ch.path("avg").asInt(), ch.path("max").asInt());
      CompressionPolicy policy = CompressionPolicy.parse(root.path("compression").asText("auto"));
      int grace = root.path("gc").path("graceDays").asInt(RepoConfig.DEFAULT_GC_GRACE_DAYS);
      return new RepoConfig(format, p, policy, grace);
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("the repository config " + file + " is invalid: " + e.getMessage());
    }
  }

  private static String firstLine(String s) {
    if (s == null) return "unreadable";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
