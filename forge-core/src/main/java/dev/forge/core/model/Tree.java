package dev.forge.core.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A directory: entries sorted by the unsigned bytes of their UTF-8 names, names unique. Encoding v1
 * (docs/format.md): u8 version=1, varint count, then per entry u8 kind, u8 object type, string name,
 * varint size, 32-byte id. The encoding is canonical: one tree, one byte string, one id.
 */
public record Tree(List<TreeEntry> entries) {
  public static final int VERSION = 1;
  public static final Comparator<String> NAME_ORDER =
      (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  public Tree {
    List<TreeEntry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing(TreeEntry::name, NAME_ORDER));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).name().equals(sorted.get(i - 1).name())) {
        throw new IllegalArgumentException("duplicate name in tree: " + sorted.get(i).name());
      }
    }
    entries = List.copyOf(sorted);
  }

  public static final Tree EMPTY = new Tree(List.of());

  public TreeEntry find(String name) {
    for (TreeEntry e : entries) {
      if (e.name().equals(name)) return e;
    }
    return null;
  }

  public long totalSize() {
    long n = 0;
    for (TreeEntry e : entries) n += e.size();
    return n;
  }

  public byte[] encode() {
    BinaryWriter w = new BinaryWriter(8 + entries.size() * 64);
    w.u8(VERSION).varint(entries.size());
    for (TreeEntry e : entries) {
      w.u8(e.kind().code()).u8(e.type().code()).string(e.name()).varint(e.size()).id(e.id());
    }
    return w.toByteArray();
  }

  /**
   * Decodes and validates: unknown versions, kinds, unsafe names (see {@link TreeEntry#isSafeName})
   * and unsorted or duplicate names are all malformed.
   */
  public static Tree decode(byte[] bytes) throws MalformedObjectException {
    BinaryReader r = new BinaryReader(bytes);
    int v = r.u8();
    if (v != VERSION) throw new MalformedObjectException("unsupported tree version " + v);
    int n = r.count(bytes.length / 36);
    List<TreeEntry> list = new ArrayList<>(n);
    String prev = null;
    for (int i = 0; i < n; i++) {
      FileKind kind = FileKind.fromCode(r.u8());
      int typeCode = r.u8();
      ObjectType type;
      try {
        type = ObjectType.fromCode(typeCode);
      } catch (IllegalArgumentException e) {
        throw new MalformedObjectException(e.getMessage());
      }
      String name = r.string();
      if (!TreeEntry.isSafeName(name)) {
        throw new MalformedObjectException("unsafe entry name '" + name.replace("\0", "\\0") + "' (would write outside the work tree)");
      }
      if (prev != null && NAME_ORDER.compare(prev, name) >= 0) {
        throw new MalformedObjectException("entries not in canonical order at '" + name + "'");
      }
      long size = r.varint();
      ObjectId id = r.id();
      try {
        list.add(new TreeEntry(name, kind, type, id, size));
      } catch (IllegalArgumentException e) {
        throw new MalformedObjectException(e.getMessage());
      }
      prev = name;
    }
    r.expectEnd();
    return new Tree(list);
  }
}
