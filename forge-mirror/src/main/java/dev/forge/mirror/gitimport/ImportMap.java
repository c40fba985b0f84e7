package dev.forge.mirror.gitimport;

import dev.forge.core.error.ForgeException;
import dev.forge.core.model.ContentRef;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What earlier runs of {@code forge import git} made of git's objects: {@code .forge/import/git.map}
 * (docs/format.md), one line per record, appended after the Forge objects it names are durable and
 * fsynced before any ref moves to them. A line cut short by a crash (no final newline) is ignored, and
 * so is a commit the store no longer holds (a later run imports it again).
 *
 * <pre>
 * commit GIT_SHA1 FORGE_ID
 * blob GIT_SHA1 chunk|list FORGE_ID SIZE
 * </pre>
 *
 * A blob line maps a git blob to the content Forge stored for it: for a Git LFS pointer, the real file.
 */
final class ImportMap {
    static final String FILE = "import/git.map";

    private final Path file;
    private final Map<String, ObjectId> commits = new HashMap<>();
    private final Map<ObjectId, String> gitOfForge = new HashMap<>();
    private final Map<String, ContentRef> blobs = new HashMap<>();

    private ImportMap(Path file) {
        this.file = file;
    }

    static ImportMap load(Path forgeDir) {
        ImportMap m = new ImportMap(forgeDir.resolve(FILE));
        if (!Files.exists(m.file)) return m;
        String text;
        try {
            text = Files.readString(m.file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ForgeException("cannot read " + m.file + ": " + e.getMessage(), e);
        }
        int end = text.lastIndexOf('\n');
        if (end < 0) return m;
        for (String line : text.substring(0, end).split("\n")) {
            String[] f = line.split(" ");
            try {
                if (f.length == 3 && f[0].equals("commit")) {
                    m.putCommit(f[1], ObjectId.parse(f[2]));
                } else if (f.length == 5 && f[0].equals("blob")) {
                    ObjectType type = f[2].equals("list") ? ObjectType.LIST : ObjectType.CHUNK;
                    m.blobs.put(f[1], new ContentRef(type, ObjectId.parse(f[3]), Long.parseLong(f[4])));
                }
            } catch (RuntimeException e) {
                // A damaged line: that object is imported again.
            }
        }
        return m;
    }

    private void putCommit(String git, ObjectId forge) {
        commits.put(git, forge);
        gitOfForge.put(forge, git);
    }

    Optional<ObjectId> commit(String gitSha) {
        return Optional.ofNullable(commits.get(gitSha));
    }

    Optional<ContentRef> blob(String gitSha) {
        return Optional.ofNullable(blobs.get(gitSha));
    }

    Map<String, ObjectId> commits() {
        return commits;
    }

    void forgetCommit(String gitSha) {
        ObjectId f = commits.remove(gitSha);
        if (f != null) gitOfForge.remove(f);
    }

    /**
     * The record for {@code rev}: a git commit id or a Forge commit id, whole or a unique prefix of at
     * least 4 hex digits. Returns {git, forge}; empty when neither matches.
     */
    Optional<String[]> find(String rev) {
        String r = rev.toLowerCase(java.util.Locale.ROOT);
        if (!r.matches("[0-9a-f]{4,64}")) return Optional.empty();
        String[] found = null;
        int matches = 0;
        for (Map.Entry<String, ObjectId> e : commits.entrySet()) {
            if (e.getKey().startsWith(r) || e.getValue().hex().startsWith(r)) {
                found = new String[] {e.getKey(), e.getValue().hex()};
                matches++;
            }
        }
        if (matches > 1)
            throw new dev.forge.core.error.InvalidInputException(
                    "'" + rev + "' is ambiguous: " + matches + " imported commits start with it");
        return Optional.ofNullable(found);
    }

    /** Appends records durably (fsync), then remembers them. */
    void append(Map<String, ObjectId> newCommits, Map<String, ContentRef> newBlobs) {
        if (newCommits.isEmpty() && newBlobs.isEmpty()) return;
        StringBuilder sb = new StringBuilder();
        for (var e : newBlobs.entrySet()) {
            ContentRef c = e.getValue();
            sb.append("blob ")
                    .append(e.getKey())
                    .append(c.type() == ObjectType.LIST ? " list " : " chunk ")
                    .append(c.id().hex())
                    .append(' ')
                    .append(c.size())
                    .append('\n');
        }
        for (var e : newCommits.entrySet())
            sb.append("commit ")
                    .append(e.getKey())
                    .append(' ')
                    .append(e.getValue().hex())
                    .append('\n');
        try {
            Files.createDirectories(file.getParent());
            // Only one import runs at a time (the repository's write lock), so writing at the end is appending.
            try (FileChannel ch = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long end = ch.size();
                // A line cut short by an earlier crash would glue onto the first new one: start on a fresh line.
                if (end > 0 && lastByte(ch) != '\n') sb.insert(0, '\n');
                ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) end += ch.write(buf, end);
                ch.force(true);
            }
        } catch (IOException e) {
            throw new ForgeException("cannot write " + file + ": " + e.getMessage(), e);
        }
        newCommits.forEach(this::putCommit);
        blobs.putAll(newBlobs);
    }

    private static int lastByte(FileChannel ch) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        ch.read(one, ch.size() - 1);
        return one.get(0);
    }
}
