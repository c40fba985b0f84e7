package dev.forge.storage;

import dev.forge.core.codec.Codec;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.model.BinaryReader;
import dev.forge.core.model.BinaryWriter;
import dev.forge.core.model.ContentRef;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.MalformedObjectException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.port.Operation;
import dev.forge.core.port.StageEntry;
import dev.forge.core.port.StatEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodings of the RocksDB values, each starting with a version byte (docs/format.md, "Index"). Keys
 * are raw: 32-byte ids, UTF-8 paths and ref names, big-endian sequence numbers.
 */
final class IndexCodec {
    static final int VERSION = 1;

    private IndexCodec() {}

    /** Where an object lies: pack number, record offset, lengths, codec, type. */
    record Location(int pack, long offset, int storedLength, int rawLength, Codec codec, ObjectType type) {}

    static byte[] encodeLocation(Location l) {
        return new BinaryWriter(24)
                .u8(VERSION)
                .u32(l.pack())
                .u64(l.offset())
                .u32(l.storedLength())
                .u32(l.rawLength())
                .u8(l.codec().code())
                .u8(l.type().code())
                .toByteArray();
    }

    static Location decodeLocation(ObjectId id, byte[] v) {
        try {
            BinaryReader r = new BinaryReader(v);
            checkVersion(r.u8(), "index entry");
            Location l = new Location(
                    r.u32(), r.u64(), r.u32(), r.u32(), Codec.fromCode(r.u8()), ObjectType.fromCode(r.u8()));
            r.expectEnd();
            return l;
        } catch (MalformedObjectException | IllegalArgumentException e) {
            throw new IntegrityException("index entry for " + id.shortHex() + " is damaged: " + e.getMessage());
        }
    }

    record PackInfo(String fileName, long size, int records) {}

    static byte[] encodePack(PackInfo p) {
        return new BinaryWriter(64)
                .u8(VERSION)
                .string(p.fileName())
                .u64(p.size())
                .u32(p.records())
                .toByteArray();
    }

    static PackInfo decodePack(byte[] v) {
        try {
            BinaryReader r = new BinaryReader(v);
            checkVersion(r.u8(), "pack entry");
            PackInfo p = new PackInfo(r.string(), r.u64(), r.u32());
            r.expectEnd();
            return p;
        } catch (MalformedObjectException e) {
            throw new IntegrityException("pack list entry is damaged: " + e.getMessage());
        }
    }

    static byte[] encodeStage(StageEntry e) {
        BinaryWriter w = new BinaryWriter(48).u8(VERSION).u8(e.kind().code());
        return content(w, e.content()).toByteArray();
    }

    static StageEntry decodeStage(String path, byte[] v) {
        return decodeStage(path, v, 0, v.length);
    }

    /** The stage value in {@code a[off, off+len)}. */
    static StageEntry decodeStage(String path, byte[] a, int off, int len) {
        try {
            BinaryReader r = new BinaryReader(a, off, len);
            checkVersion(r.u8(), "stage entry");
            FileKind kind = FileKind.fromCode(r.u8());
            ContentRef c = content(r);
            r.expectEnd();
            return new StageEntry(path, kind, c);
        } catch (MalformedObjectException | IllegalArgumentException e) {
            throw new IntegrityException("stage entry for '" + path + "' is damaged: " + e.getMessage());
        }
    }

    static byte[] encodeStat(StatEntry e) {
        BinaryWriter w = new BinaryWriter(72)
                .u8(VERSION)
                .varint(e.size())
                .u64(e.mtimeNanos())
                .u64(e.inode());
        return content(w, e.content()).toByteArray();
    }

    static StatEntry decodeStat(String path, byte[] v) {
        try {
            BinaryReader r = new BinaryReader(v);
            checkVersion(r.u8(), "stat cache entry");
            long size = r.varint();
            long mtime = r.u64();
            long inode = r.u64();
            ContentRef c = content(r);
            r.expectEnd();
            return new StatEntry(size, mtime, inode, c);
        } catch (MalformedObjectException | IllegalArgumentException e) {
            throw new IntegrityException("stat cache entry for '" + path + "' is damaged: " + e.getMessage());
        }
    }

    private static BinaryWriter content(BinaryWriter w, ContentRef c) {
        return w.u8(c.type().code()).varint(c.size()).id(c.id());
    }

    private static ContentRef content(BinaryReader r) throws MalformedObjectException {
        ObjectType type = ObjectType.fromCode(r.u8());
        long size = r.varint();
        return new ContentRef(type, r.id(), size);
    }

    /**
     * Version 1 entries have no remote changes; version 2 appends them. An entry without remote changes
     * is written as version 1, so older forge builds keep reading logs that never touched a remote.
     */
    static byte[] encodeOperation(Operation op) {
        int version = op.remoteChanges().isEmpty() ? 1 : 2;
        BinaryWriter w =
                new BinaryWriter(128).u8(version).u64(op.time().toEpochMilli()).string(op.command());
        w.string(op.headBefore()).string(op.headAfter()).varint(op.refChanges().size());
        for (Operation.RefChange c : op.refChanges()) {
            w.string(c.ref());
            optionalId(w, c.before());
            optionalId(w, c.after());
        }
        optionalId(w, op.stageBefore());
        optionalId(w, op.stageAfter());
        w.u8(op.movedWorkTree() ? 1 : 0);
        if (version == 2) {
            w.varint(op.remoteChanges().size());
            for (Operation.RemoteChange c : op.remoteChanges()) {
                w.string(c.name());
                optionalString(w, c.before());
                optionalString(w, c.after());
            }
        }
        return w.toByteArray();
    }

    private static void optionalString(BinaryWriter w, String s) {
        if (s == null) w.u8(0);
        else w.u8(1).string(s);
    }

    private static String optionalString(BinaryReader r) throws MalformedObjectException {
        return r.u8() == 0 ? null : r.string();
    }

    static Operation decodeOperation(byte[] v) {
        try {
            BinaryReader r = new BinaryReader(v);
            int version = r.u8();
            if (version != 2) checkVersion(version, "operation");
            Instant time = Instant.ofEpochMilli(r.u64());
            String command = r.string();
            String before = r.string();
            String after = r.string();
            int n = r.count(v.length);
            List<Operation.RefChange> changes = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                changes.add(new Operation.RefChange(r.string(), optionalId(r), optionalId(r)));
            }
            ObjectId stageBefore = optionalId(r);
            ObjectId stageAfter = optionalId(r);
            boolean moved = r.u8() != 0;
            List<Operation.RemoteChange> remotes = new ArrayList<>();
            if (version == 2) {
                int m = r.count(v.length);
                for (int i = 0; i < m; i++) {
                    remotes.add(new Operation.RemoteChange(r.string(), optionalString(r), optionalString(r)));
                }
            }
            r.expectEnd();
            return new Operation(time, command, before, after, changes, stageBefore, stageAfter, moved, remotes);
        } catch (MalformedObjectException e) {
            throw new IntegrityException("operation log entry is damaged: " + e.getMessage());
        }
    }

    static byte[] encodeMerge(dev.forge.core.port.MergeState m) {
        BinaryWriter w =
                new BinaryWriter(256).u8(VERSION).id(m.ours()).id(m.theirs()).string(m.theirsName());
        optionalId(w, m.base());
        w.varint(m.conflicts().size());
        for (dev.forge.core.port.MergeState.Conflict c : m.conflicts()) {
            w.string(c.path());
            for (StageEntry e : new StageEntry[] {c.base(), c.ours(), c.theirs()}) {
                if (e == null) {
                    w.u8(0);
                } else {
                    w.u8(e.kind().code());
                    content(w, e.content());
                }
            }
        }
        return w.toByteArray();
    }

    static dev.forge.core.port.MergeState decodeMerge(byte[] v) {
        try {
            BinaryReader r = new BinaryReader(v);
            checkVersion(r.u8(), "merge state");
            ObjectId ours = r.id();
            ObjectId theirs = r.id();
            String name = r.string();
            ObjectId base = optionalId(r);
            int n = r.count(v.length);
            List<dev.forge.core.port.MergeState.Conflict> conflicts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String path = r.string();
                StageEntry[] sides = new StageEntry[3];
                for (int s = 0; s < 3; s++) {
                    int kind = r.u8();
                    if (kind != 0) sides[s] = new StageEntry(path, FileKind.fromCode(kind), content(r));
                }
                conflicts.add(new dev.forge.core.port.MergeState.Conflict(path, sides[0], sides[1], sides[2]));
            }
            r.expectEnd();
            return new dev.forge.core.port.MergeState(ours, theirs, name, base, conflicts);
        } catch (MalformedObjectException | IllegalArgumentException e) {
            throw new IntegrityException("merge state is damaged: " + e.getMessage());
        }
    }

    private static void optionalId(BinaryWriter w, ObjectId id) {
        if (id == null) {
            w.u8(0);
        } else {
            w.u8(1).id(id);
        }
    }

    private static ObjectId optionalId(BinaryReader r) throws MalformedObjectException {
        return r.u8() == 0 ? null : r.id();
    }

    private static void checkVersion(int v, String what) throws MalformedObjectException {
        if (v != VERSION) throw new MalformedObjectException("unsupported " + what + " version " + v);
    }
}
