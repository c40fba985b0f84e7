package dev.forge.mirror.gitimport;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.model.ContentRef;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.RefNames;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.StageEntry;
import dev.forge.core.repo.HistoryWriter;
import dev.forge.core.repo.HistoryWriter.ContentSource;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Transaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * {@code forge import git}: brings a git repository's branches, tags and history (with Git LFS files as
 * their real content) into a Forge repository, incrementally.
 *
 * <p>Three passes over the commits not imported before (parents first): the first walks each commit's
 * tree and collects every blob not stored yet (a blob small enough to be an LFS pointer is read then,
 * and kept; a pointer's object is looked up, and a missing one stops the import before anything is
 * written); the second stores all of them at once through {@link HistoryWriter} (one worker per core,
 * largest first: each blob is read once); the third writes the trees and commits. Then the map in
 * {@code .forge/import/git.map} is appended and the refs move in one transaction (one op-log entry,
 * undoable). The source repository is only read.
 */
public final class GitImport {
    private final Repository repo;

    public GitImport(Repository repo) {
        this.repo = repo;
    }

    /** What to import. {@code branches}: a glob over branch names ({@code *} matches any characters). */
    public record Options(String source, String branches, boolean tags, String lfsFrom, boolean allowMissingLfs) {}

    public record RefResult(String name, String gitId, ObjectId commit, String change) {}

    public record MissingLfs(String path, String gitCommit, String oid, long size) {}

    public record Skipped(String what, String reason) {}

    public record Result(
            int commits,
            int alreadyImported,
            int blobsRead,
            long bytesRead,
            int lfsObjects,
            List<RefResult> branches,
            List<RefResult> tags,
            List<MissingLfs> missingLfs,
            List<Skipped> skipped,
            List<dev.forge.core.model.PortablePaths.Problem> portability) {}

    /** The {git, forge} ids of an imported commit named by either; empty when {@code rev} was not imported. */
    public Optional<String[]> lookup(String rev) {
        return ImportMap.load(repo.forgeDir()).find(rev);
    }

    public Result run(Options o, ProgressListener progress) {
        try (GitSource src = GitSource.open(repo, o.source());
                ObjectReader reader = src.git().newObjectReader();
                RevWalk walk = new RevWalk(reader)) {
            return run(o, src, reader, walk, progress);
        } catch (IOException e) {
            throw new ForgeException("cannot read git repository " + o.source() + ": " + e.getMessage(), e);
        }
    }

    private Result run(Options o, GitSource src, ObjectReader reader, RevWalk walk, ProgressListener progress)
            throws IOException {
        org.eclipse.jgit.lib.Repository git = src.git();
        ImportMap map = ImportMap.load(repo.forgeDir());
        List<Skipped> skipped = new ArrayList<>();
        // The refs to import: branch and tag name to commit.
        Pattern glob = globPattern(o.branches() == null ? "*" : o.branches());
        Map<String, RevCommit> branches = new TreeMap<>();
        Map<String, RevCommit> tags = new TreeMap<>();
        for (Ref r : git.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
            String name = r.getName().substring(Constants.R_HEADS.length());
            if (!glob.matcher(name).matches()) continue;
            RevCommit c = peelCommit(walk, r, skipped);
            if (c != null) branches.put(name, c);
        }
        if (o.tags()) {
            for (Ref r : git.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
                String name = r.getName().substring(Constants.R_TAGS.length());
                RevCommit c = peelCommit(walk, r, skipped);
                if (c != null) tags.put(name, c);
            }
        }
        if (branches.isEmpty() && tags.isEmpty()) {
            throw new NotFoundException("no branch of " + o.source() + " matches '"
                    + (o.branches() == null ? "*" : o.branches()) + "'" + (o.tags() ? " and it has no tags" : ""));
        }
        // Commits imported before (and still in the store) bound the walk.
        HistoryWriter writer = new HistoryWriter(repo);
        Path scratch = repo.forgeDir().resolve("import/lfs-download");
        try {
            for (String gitId : List.copyOf(map.commits().keySet())) {
                if (!writer.contains(map.commit(gitId).orElseThrow())) map.forgetCommit(gitId);
            }
            walk.sort(RevSort.TOPO, true);
            walk.sort(RevSort.REVERSE, true);
            for (RevCommit c : branches.values()) walk.markStart(c);
            for (RevCommit c : tags.values()) walk.markStart(c);
            int already = 0;
            for (String gitId : map.commits().keySet()) {
                try {
                    walk.markUninteresting(walk.parseCommit(org.eclipse.jgit.lib.ObjectId.fromString(gitId)));
                    already++;
                } catch (MissingObjectException | org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
                    // Imported from another source, or rewritten since: not part of this walk.
                }
            }
            List<RevCommit> todo = new ArrayList<>();
            for (RevCommit c : walk) todo.add(c);

            LfsStore lfs = LfsStore.of(src, o.lfsFrom(), scratch);
            // Pass 1: the blobs to store.
            Map<String, ContentSource> pending = new LinkedHashMap<>();
            Map<String, Boolean> pendingIsLfs = new HashMap<>();
            List<MissingLfs> missing = new ArrayList<>();
            java.util.Set<String> missingBlobs = new java.util.HashSet<>();
            int[] lfsCount = {0};
            progress.begin("scanning commits", todo.size(), "commits");
            for (RevCommit c : todo) {
                forEachFile(reader, c, skipped, (path, kind, blob) -> {
                    String key = blob.name();
                    if (map.blob(key).isPresent() || pending.containsKey(key) || missingBlobs.contains(key)) return;
                    long size = reader.getObjectSize(blob, Constants.OBJ_BLOB);
                    String where = "'" + path + "' in commit " + c.name();
                    if (kind == FileKind.SYMLINK || size >= LfsPointer.MAX_SIZE) {
                        pending.put(key, new Sources.GitBlob(git, blob.copy(), size, where));
                        return;
                    }
                    byte[] bytes = reader.open(blob, Constants.OBJ_BLOB).getBytes();
                    Optional<LfsPointer> ptr = LfsPointer.parse(bytes);
                    if (ptr.isEmpty()) {
                        pending.put(key, new Sources.Bytes(bytes, where));
                        return;
                    }
                    Optional<ContentSource> real = lfs.find(ptr.get(), where);
                    if (real.isPresent()) {
                        pending.put(key, real.get());
                        pendingIsLfs.put(key, true);
                        lfsCount[0]++;
                    } else {
                        missing.add(new MissingLfs(
                                path, c.name(), ptr.get().oid(), ptr.get().size()));
                        missingBlobs.add(key);
                        // Recorded as the pointer; never remembered in the map, so a later run with the
                        // object at hand stores the real content.
                        pending.put(key, new Sources.Bytes(bytes, where));
                    }
                });
                progress.advance(1);
            }
            progress.end();
            if (!missing.isEmpty() && !o.allowMissingLfs()) {
                MissingLfs m = missing.get(0);
                throw new NotFoundException(
                        "Git LFS object " + m.oid() + " (" + m.size() + " bytes) of '" + m.path()
                                + "' in commit " + m.gitCommit() + " is missing" + lfs.describeWhere()
                                + (missing.size() > 1 ? " (and " + (missing.size() - 1) + " more)" : "")
                                + "; nothing was imported (--lfs-from PATH|URL names where they are, --allow-missing-lfs imports the pointers)");
            }
            // Pass 2: store every new blob's content, in parallel.
            List<String> keys = new ArrayList<>(pending.keySet());
            List<ContentSource> sources = new ArrayList<>(pending.values());
            long bytes = 0;
            for (ContentSource s : sources) bytes += s.size();
            progress.begin("storing files", bytes, "bytes");
            List<ContentRef> stored;
            try {
                stored = writer.storeContents(sources, progress);
            } finally {
                progress.end();
            }
            Map<String, ContentRef> contents = new HashMap<>();
            Map<String, ContentRef> newBlobs = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                contents.put(keys.get(i), stored.get(i));
                if (!missingBlobs.contains(keys.get(i))) newBlobs.put(keys.get(i), stored.get(i));
            }
            // Pass 3: trees and commits, parents first. Branch and tag tips (what gets checked out) are
            // checked for paths that will not check out the same on every desktop.
            java.util.Set<String> tips = new java.util.HashSet<>();
            for (RevCommit c : branches.values()) tips.add(c.name());
            for (RevCommit c : tags.values()) tips.add(c.name());
            Map<String, dev.forge.core.model.PortablePaths.Problem> portability = new java.util.TreeMap<>();
            Map<String, ObjectId> newCommits = new LinkedHashMap<>();
            progress.begin("writing commits", todo.size(), "commits");
            for (RevCommit c : todo) {
                List<StageEntry> entries = new ArrayList<>();
                forEachFile(reader, c, null, (path, kind, blob) -> {
                    String key = blob.name();
                    ContentRef content = contents.containsKey(key)
                            ? contents.get(key)
                            : map.blob(key).orElseThrow();
                    entries.add(new StageEntry(path, kind, content));
                });
                if (tips.contains(c.name())) {
                    List<String> paths = new ArrayList<>(entries.size());
                    for (StageEntry e : entries) paths.add(e.path());
                    for (var pr : dev.forge.core.model.PortablePaths.check(paths))
                        portability.putIfAbsent(pr.path(), pr);
                }
                List<ObjectId> parents = new ArrayList<>();
                for (RevCommit p : c.getParents()) {
                    ObjectId id = newCommits.get(p.name());
                    if (id == null) id = map.commit(p.name()).orElse(null);
                    if (id == null) {
                        throw new ForgeException("commit " + c.name() + " has parent " + p.name()
                                + " which is neither in the walk nor imported (a shallow clone?)");
                    }
                    parents.add(id);
                }
                PersonIdent author = c.getAuthorIdent();
                PersonIdent committer = c.getCommitterIdent();
                OffsetDateTime time = OffsetDateTime.ofInstant(
                        Instant.ofEpochSecond(c.getCommitTime()),
                        ZoneOffset.ofTotalSeconds(committer.getZoneOffset().getTotalSeconds()));
                String message = c.getFullMessage();
                while (message.endsWith("\n")) message = message.substring(0, message.length() - 1);
                ObjectId id = writer.writeCommit(entries, parents, author(author), time, message);
                newCommits.put(c.name(), id);
                progress.advance(1);
            }
            progress.end();
            writer.flush();
            map.append(newCommits, newBlobs);

            // The refs, in one transaction.
            Transaction tx = repo.begin("import git " + o.source());
            List<RefResult> branchResults = moveRefs(tx, branches, RefNames.HEADS, map, true, skipped);
            List<RefResult> tagResults = moveRefs(tx, tags, RefNames.TAGS, map, false, skipped);
            tx.commit();
            return new Result(
                    todo.size(),
                    already,
                    sources.size(),
                    bytes,
                    lfsCount[0],
                    branchResults,
                    tagResults,
                    missing,
                    skipped,
                    List.copyOf(portability.values()));
        } finally {
            writer.close();
            deleteScratch(scratch);
        }
    }

    private static void deleteScratch(Path scratch) {
        if (!Files.isDirectory(scratch)) return;
        try (var files = Files.list(scratch)) {
            for (Path f : (Iterable<Path>) files::iterator) Files.deleteIfExists(f);
            Files.deleteIfExists(scratch);
        } catch (IOException e) {
            // Left for the next run to overwrite.
        }
    }

    private List<RefResult> moveRefs(
            Transaction tx,
            Map<String, RevCommit> refs,
            String prefix,
            ImportMap map,
            boolean branches,
            List<Skipped> skipped) {
        List<RefResult> out = new ArrayList<>();
        for (var e : refs.entrySet()) {
            String name = e.getKey();
            String what = (branches ? "branch " : "tag ") + name;
            if (!RefNames.isValidShortName(name)) {
                skipped.add(new Skipped(what, "not a valid Forge ref name"));
                continue;
            }
            ObjectId target = map.commit(e.getValue().name()).orElseThrow();
            Optional<ObjectId> current = repo.ref(prefix + name);
            String change;
            if (current.isEmpty()) {
                change = "created";
            } else if (current.get().equals(target)) {
                change = "unchanged";
            } else if (branches && repo.objects().isAncestor(current.get(), target)) {
                change = "updated";
            } else {
                skipped.add(new Skipped(
                        what,
                        "Forge's " + what + " is at " + current.get().shortHex() + ", which "
                                + (branches ? "the git branch does not contain (committed to in Forge?)" : "differs")
                                + "; left as it is"));
                continue;
            }
            if (!change.equals("unchanged")) tx.setRef(prefix + name, target);
            out.add(new RefResult(name, e.getValue().name(), target, change));
        }
        return out;
    }

    private static RevCommit peelCommit(RevWalk walk, Ref r, List<Skipped> skipped) throws IOException {
        RevObject o = walk.peel(walk.parseAny(r.getObjectId()));
        if (o instanceof RevCommit c) return c;
        skipped.add(new Skipped(r.getName(), "points at a " + Constants.typeString(o.getType()) + ", not a commit"));
        return null;
    }

    @FunctionalInterface
    private interface FileVisitor {
        void visit(String path, FileKind kind, org.eclipse.jgit.lib.ObjectId blob) throws IOException;
    }

    /**
     * Every file, executable and symlink of {@code c}'s tree. Submodules (gitlinks) and paths Forge
     * cannot hold (a {@code .forge} folder) are left out, and listed in {@code skipped} when it is not null.
     */
    private static void forEachFile(ObjectReader reader, RevCommit c, List<Skipped> skipped, FileVisitor v)
            throws IOException {
        try (TreeWalk tw = new TreeWalk(reader)) {
            tw.addTree(c.getTree());
            tw.setRecursive(true);
            while (tw.next()) {
                FileMode mode = tw.getFileMode(0);
                String path = tw.getPathString();
                FileKind kind;
                if (mode == FileMode.EXECUTABLE_FILE) kind = FileKind.EXECUTABLE;
                else if (mode == FileMode.REGULAR_FILE) kind = FileKind.FILE;
                else if (mode == FileMode.SYMLINK) kind = FileKind.SYMLINK;
                else {
                    if (skipped != null) skipped.add(new Skipped(path + " in " + c.name(), "a submodule (gitlink)"));
                    continue;
                }
                if (path.equals(".forge")
                        || path.startsWith(".forge/")
                        || path.contains("/.forge/")
                        || path.endsWith("/.forge")) {
                    if (skipped != null)
                        skipped.add(new Skipped(path + " in " + c.name(), "'.forge' is Forge's own folder"));
                    continue;
                }
                v.visit(path, kind, tw.getObjectId(0));
            }
        }
    }

    /** "Name <mail>" as Forge commits record it; git allows an empty name, Forge does not. */
    private static String author(PersonIdent p) {
        String name = p.getName().replace("<", "").replace(">", "").strip();
        String mail = p.getEmailAddress().replace("<", "").replace(">", "");
        if (name.isEmpty()) name = mail.isEmpty() ? "unknown" : mail;
        return name + " <" + mail + ">";
    }

    static Pattern globPattern(String glob) {
        StringBuilder re = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            if (ch == '*') re.append(".*");
            else if (ch == '?') re.append('.');
            else re.append(Pattern.quote(String.valueOf(ch)));
        }
        return Pattern.compile(re.toString());
    }

    /** The git repository read from: a local one as it is, or a bare clone of a URL kept in .forge/import/. */
    record GitSource(org.eclipse.jgit.lib.Repository git, Path localRoot, String url) implements AutoCloseable {
        static GitSource open(Repository repo, String source) {
            Path local = localPath(source);
            ReadOnlyJGit.prepare(repo.forgeDir(), local);
            try {
                if (local != null) {
                    if (!Files.isDirectory(local)) throw new NotFoundException("no such git repository: " + source);
                    Path gitDir = Files.isDirectory(local.resolve(".git")) ? local.resolve(".git") : local;
                    if (!Files.isRegularFile(gitDir.resolve("HEAD")) || !Files.isDirectory(gitDir.resolve("objects"))) {
                        throw new NotFoundException("not a git repository: " + source);
                    }
                    org.eclipse.jgit.lib.Repository git = new FileRepositoryBuilder()
                            .setGitDir(gitDir.toFile())
                            .setMustExist(true)
                            .build();
                    return new GitSource(git, gitDir, null);
                }
                return new GitSource(CloneCache.cloneOrFetch(repo.forgeDir(), source), null, source);
            } catch (IOException e) {
                throw new ForgeException("cannot open git repository " + source + ": " + e.getMessage(), e);
            }
        }

        /** The folder {@code source} names, or null for a URL. */
        static Path localPath(String source) {
            if (source.startsWith("file://")) return Path.of(java.net.URI.create(source));
            if (source.matches("[A-Za-z][A-Za-z0-9+.-]*://.*") || source.matches("[^/]+@[^/]+:.*")) return null;
            return Path.of(source).toAbsolutePath().normalize();
        }

        @Override
        public void close() {
            git.close();
        }
    }
}
