package dev.forge.storage;

import dev.forge.core.codec.Codec;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.port.LocalStore.StorageCheck;
import dev.forge.core.port.ProgressListener;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.rocksdb.RocksIterator;

/**
 * fsck of the storage layer: checks every block of the index's table files (RocksDB's checksums),
 * reads every pack from start to end (header, each record's CRC, decoded bytes against the record's
 * id, trailer), then checks that every index entry points at a record
 * that holds exactly that object. Problems are collected, not thrown, so one run lists them all.
 */
final class StorageChecker {
    private final RocksIndex index;
    private final RocksObjectStore objects;
    private final Path packDir;
    private final List<String> problems = new ArrayList<>();

    StorageChecker(RocksIndex index, RocksObjectStore objects, Path packDir) {
        this.index = index;
        this.objects = objects;
        this.packDir = packDir;
    }

    StorageCheck run(ProgressListener progress) {
        try {
            index.verifyChecksums();
        } catch (IntegrityException e) {
            problems.add(e.getMessage());
        }
        Map<Integer, IndexCodec.PackInfo> packs = new HashMap<>();
        try (RocksIterator it = index.db.newIterator(index.packs)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                try {
                    packs.put(PackFormat.getInt(it.key(), 0), IndexCodec.decodePack(it.value()));
                } catch (IntegrityException e) {
                    problems.add(e.getMessage());
                }
            }
            RocksIndex.check(it);
        }
        long total = 0;
        for (IndexCodec.PackInfo p : packs.values()) total += p.size();
        progress.begin("Checking packs", total, "B");
        Map<Integer, Map<Long, ObjectId>> records = new HashMap<>();
        long recordCount = 0;
        for (Map.Entry<Integer, IndexCodec.PackInfo> e : packs.entrySet()) {
            Map<Long, ObjectId> found = new HashMap<>();
            checkPack(e.getValue(), found, progress);
            records.put(e.getKey(), found);
            recordCount += found.size();
        }
        progress.end();
        long entries = 0;
        try (RocksIterator it = index.db.newIterator(index.objects)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                entries++;
                ObjectId id = ObjectId.of(it.key());
                try {
                    IndexCodec.Location l = IndexCodec.decodeLocation(id, it.value());
                    Map<Long, ObjectId> inPack = records.get(l.pack());
                    if (inPack == null) {
                        problems.add(
                                "object " + id.shortHex() + " points at pack #" + l.pack() + ", which does not exist");
                    } else if (!id.equals(inPack.get(l.offset()))) {
                        problems.add("object " + id.shortHex() + " points at pack "
                                + packs.get(l.pack()).fileName() + " offset " + l.offset()
                                + ", which holds no valid record of it");
                    }
                } catch (IntegrityException ex) {
                    problems.add(ex.getMessage());
                }
            }
            RocksIndex.check(it);
        } catch (IntegrityException e) {
            problems.add(e.getMessage());
        }
        return new StorageCheck(packs.size(), recordCount, entries, List.copyOf(problems));
    }

    private void checkPack(IndexCodec.PackInfo info, Map<Long, ObjectId> found, ProgressListener progress) {
        Path file = packDir.resolve(info.fileName());
        String name = info.fileName();
        if (!Files.isRegularFile(file)) {
            problems.add("pack " + name + " is missing");
            return;
        }
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 20))) {
            long size = Files.size(file);
            if (size != info.size())
                problems.add("pack " + name + " is " + size + " bytes, the pack list says " + info.size());
            byte[] header = new byte[PackFormat.HEADER_SIZE];
            in.readFully(header);
            if (!java.util.Arrays.equals(header, 0, 8, PackFormat.HEADER_MAGIC, 0, 8)
                    || PackFormat.getInt(header, 8) != PackFormat.VERSION) {
                problems.add("pack " + name + " has a damaged header at offset 0");
                return;
            }
            long pos = PackFormat.HEADER_SIZE;
            long end = size - PackFormat.TRAILER_SIZE;
            CRC32C area = new CRC32C();
            byte[] rh = new byte[PackFormat.RECORD_HEADER_SIZE];
            int count = 0;
            while (pos < end) {
                in.readFully(rh);
                if ((rh[0] & 0xFF) != PackFormat.RECORD_MAGIC) {
                    problems.add("pack " + name + " has a damaged record at offset " + pos
                            + " (bad record marker); the rest of the pack is unreadable");
                    return;
                }
                int stored = PackFormat.getInt(rh, 40);
                int rawLen = PackFormat.getInt(rh, 36);
                if (stored < 0 || rawLen < 0 || pos + PackFormat.RECORD_HEADER_SIZE + stored > end) {
                    problems.add("pack " + name + " has a damaged record at offset " + pos
                            + " (impossible length); the rest of the pack is unreadable");
                    return;
                }
                byte[] rec = new byte[PackFormat.RECORD_HEADER_SIZE + stored];
                System.arraycopy(rh, 0, rec, 0, rh.length);
                in.readFully(rec, rh.length, stored);
                area.update(rec, 0, rec.length);
                ObjectId id = ObjectId.of(rec, 4);
                try {
                    IndexCodec.Location l = new IndexCodec.Location(
                            -1, pos, stored, rawLen, Codec.fromCode(rec[2] & 0xFF), ObjectType.fromCode(rec[1] & 0xFF));
                    objects.verifyRecord(id, l, rec, "pack " + name + " at offset " + pos);
                    found.put(pos, id);
                } catch (IntegrityException | IllegalArgumentException e) {
                    problems.add(
                            e.getMessage() != null && e.getMessage().contains("offset")
                                    ? e.getMessage()
                                    : "pack " + name + " at offset " + pos + ": " + e.getMessage());
                }
                pos += rec.length;
                count++;
                progress.advance(rec.length);
            }
            byte[] trailer = new byte[PackFormat.TRAILER_SIZE];
            in.readFully(trailer);
            CRC32C t = new CRC32C();
            t.update(trailer, 0, 28);
            if (!java.util.Arrays.equals(trailer, 0, 8, PackFormat.TRAILER_MAGIC, 0, 8)
                    || (int) t.getValue() != PackFormat.getInt(trailer, 28)) {
                problems.add("pack " + name + " has a damaged trailer at offset " + end);
            } else if (PackFormat.getInt(trailer, 12) != count
                    || PackFormat.getLong(trailer, 16) != end - PackFormat.HEADER_SIZE
                    || PackFormat.getInt(trailer, 24) != (int) area.getValue()) {
                problems.add("pack " + name + ": the trailer at offset " + end + " does not match the records (" + count
                        + " records read)");
            }
        } catch (EOFException e) {
            problems.add("pack " + name + " is truncated");
        } catch (IOException e) {
            problems.add("pack " + name + " cannot be read: " + e.getMessage());
        }
    }
}
