package dev.forge.core.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A directory: entries sorted by the unsigned bytes of their UTF-8 names, names unique. Encoding v1
 * (docs/format.md): u8 version=1, varint count, then per entry u8 kind, u8 object type, string name,
 * varint size, 32-byte id. The encoding is canonical: one tree, one byte string, one id.
 */
public record Tree(List<TreeEntry> entries) {
    public static final int VERSION = 1;
    /**
     * The most folders a path may pass through ("a/b/c/f" passes through 3), as git's {@code
     * core.maxTreeDepth}: readers refuse deeper trees as hostile (no file system could hold their paths,
     * and a walk of them would be as deep), and walk trees without recursion.
     */
    public static final int MAX_DEPTH = 2048;
    /**
     * The order of the names' unsigned UTF-8 bytes, computed on the chars without encoding: UTF-8 byte
     * order is code point order, which differs from UTF-16 char order only where a surrogate (U+D800 to
     * U+DFFF, half of a code point above U+FFFF) meets a char in U+E000 to U+FFFF. Status sorts every
     * path of the work tree with it, so it must not allocate.
     */
    public static final Comparator<String> NAME_ORDER = Tree::compareUtf8;

    /**
     * Entries in {@link #NAME_ORDER}. A plain lambda rather than {@code Comparator.comparing}, whose
     * lambda is serializable and so linked at run time on every start (the AOT cache keeps only plain
     * ones).
     */
    private static final Comparator<TreeEntry> BY_NAME = (a, b) -> compareUtf8(a.name(), b.name());

    static int compareUtf8(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                if (x >= 0xD800 && y >= 0xD800) {
                    return codePointRank(x) - codePointRank(y);
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }

    /** Surrogates rank above U+E000..U+FFFF, as the code points they encode do. */
    private static int codePointRank(char c) {
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }

    public Tree {
        List<TreeEntry> sorted = new ArrayList<>(entries);
        sorted.sort(BY_NAME);
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).name().equals(sorted.get(i - 1).name())) {
                throw new IllegalArgumentException(
                        "duplicate name in tree: " + sorted.get(i).name());
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
            w.u8(e.kind().code())
                    .u8(e.type().code())
                    .string(e.name())
                    .varint(e.size())
                    .id(e.id());
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
                throw new MalformedObjectException(
                        "unsafe entry name '" + name.replace("\0", "\\0") + "' (would write outside the work tree)");
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
