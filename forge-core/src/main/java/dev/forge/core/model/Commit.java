package dev.forge.core.model;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot: a root tree, its parents, who made it and when (with the author's UTC offset), and why.
 * Encoding v1 (docs/format.md): u8 version=1, tree id, varint parent count, parent ids, string author,
 * u64 epoch seconds, u32 offset seconds (signed), string message.
 */
public record Commit(ObjectId tree, List<ObjectId> parents, String author, OffsetDateTime time, String message) {
    public static final int VERSION = 1;

    public Commit {
        Objects.requireNonNull(tree, "tree");
        parents = List.copyOf(parents);
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(message, "message");
    }

    public byte[] encode() {
        BinaryWriter w = new BinaryWriter(128 + message.length());
        w.u8(VERSION).id(tree).varint(parents.size());
        for (ObjectId p : parents) w.id(p);
        w.string(author)
                .u64(time.toEpochSecond())
                .u32(time.getOffset().getTotalSeconds())
                .string(message);
        return w.toByteArray();
    }

    public static Commit decode(byte[] bytes) throws MalformedObjectException {
        BinaryReader r = new BinaryReader(bytes);
        int v = r.u8();
        if (v != VERSION) throw new MalformedObjectException("unsupported commit version " + v);
        ObjectId tree = r.id();
        int n = r.count(bytes.length / 32);
        List<ObjectId> parents = new ArrayList<>(n);
        for (int i = 0; i < n; i++) parents.add(r.id());
        String author = r.string();
        long epoch = r.u64();
        int offset = r.u32();
        String message = r.string();
        r.expectEnd();
        try {
            OffsetDateTime time =
                    OffsetDateTime.ofInstant(Instant.ofEpochSecond(epoch), ZoneOffset.ofTotalSeconds(offset));
            return new Commit(tree, parents, author, time, message);
        } catch (RuntimeException e) {
            throw new MalformedObjectException("bad commit time: " + e.getMessage());
        }
    }

    /** The first line of the message. */
    public String subject() {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
