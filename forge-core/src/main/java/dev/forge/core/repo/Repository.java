package dev.forge.core.repo;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.NotARepositoryException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.RefNames;
import dev.forge.core.port.ContentFetcher;
import dev.forge.core.port.LocalStore;
import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.port.MetadataStore;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.port.StoredObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A repository opened for one command: the entry point of forge-core. Each operation lives in its
 * own class in this package (Add, Status, CommitOp, ...); this class opens, resolves revisions and
 * records operations. Not thread-safe: one command, one Repository.
 */
public final class Repository implements AutoCloseable {
    private final LocalStore store;
    private final WorkTree workTree;
    final ObjectReader objects;
    private volatile ContentFetcher lazyFetch;

    private Repository(LocalStore store) {
        this.store = store;
        this.workTree = new WorkTree(store.workTree());
        this.objects = new ObjectReader(store.objects());
        // What killed commands left: temporary files of processes that are gone, and a killed init's
        // folder (the repository exists now). Not on a store opened read-only: nothing may change there.
        if (!store.readOnly()) {
            WorkTreeUpdate.recover(this);
            TempFiles.sweep(store.forgeDir());
            InitLeftovers.removeAll(workTree.root());
        }
    }

    public static Repository init(LocalStoreFactory factory, Path dir, RepoConfig config) {
        return new Repository(factory.create(dir.toAbsolutePath().normalize(), config));
    }

    /** Opens the repository that contains {@code cwd}, to change it. */
    public static Repository open(LocalStoreFactory factory, Path cwd) {
        return open(factory, cwd, LocalStoreFactory.Mode.WRITE);
    }

    /**
     * Opens the repository that contains {@code cwd} for {@code mode}: {@link LocalStoreFactory.Mode#READ}
     * for commands that only read, which then work on a read-only mount or a full disk too.
     */
    public static Repository open(LocalStoreFactory factory, Path cwd, LocalStoreFactory.Mode mode) {
        Path root = factory.findWorkTree(cwd);
        if (root == null) {
            throw new NotARepositoryException("not a forge repository (or any parent up to /): "
                    + cwd.toAbsolutePath().normalize() + "; run 'forge init' to create one");
        }
        String unfinished = unfinishedClone(root);
        if (unfinished != null) {
            throw new NotARepositoryException(root + " is an unfinished clone of " + unfinished
                    + " (it was interrupted): run 'forge clone " + unfinished + " " + root
                    + "' again to finish it, or remove the folder");
        }
        return new Repository(factory.open(root, mode));
    }

    /** The marker a clone keeps in {@code .forge} until it has finished (docs/format.md). */
    public static final String CLONE_IN_PROGRESS = "clone-in-progress";

    private static final String CLONE_MARKER_TEXT = "forge clone in progress from ";

    /** The URL of the unfinished clone that {@code root} is, or null when it is not one. */
    public static String unfinishedClone(Path root) {
        Path p = root.resolve(".forge").resolve(CLONE_IN_PROGRESS);
        try {
            if (!java.nio.file.Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    || java.nio.file.Files.size(p) > 64 << 10) return null;
            String text = java.nio.file.Files.readString(p, java.nio.charset.StandardCharsets.UTF_8);
            if (!text.startsWith(CLONE_MARKER_TEXT) || !text.endsWith("\n")) return null;
            return text.substring(CLONE_MARKER_TEXT.length(), text.length() - 1);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Opens the unfinished clone in {@code root} for {@code forge clone} to finish it (the one opening
     * that does not refuse one).
     */
    public static Repository openUnfinishedClone(LocalStoreFactory factory, Path root) {
        return new Repository(factory.open(root, LocalStoreFactory.Mode.WRITE));
    }

    /**
     * Rebuilds the index of the repository that contains {@code cwd} ({@code forge repair --index}):
     * for an index too damaged to open, so it needs no open Repository.
     */
    public static LocalStoreFactory.IndexRebuildReport rebuildIndex(
            LocalStoreFactory factory, Path cwd, dev.forge.core.port.ProgressListener progress) {
        Path root = factory.findWorkTree(cwd);
        if (root == null) {
            throw new NotARepositoryException("not a forge repository (or any parent up to /): "
                    + cwd.toAbsolutePath().normalize() + "; run 'forge init' to create one");
        }
        return factory.rebuildIndex(root, progress);
    }

    /** The local store. Only core's operations reach it: other modules write through {@link #begin}. */
    LocalStore store() {
        return store;
    }

    /**
     * Starts a change of state described by {@code command} (as {@code forge op log} will show it):
     * every write to refs, HEAD, the stage and the remotes goes through a {@link Transaction}.
     */
    public Transaction begin(String command) {
        return new Transaction(this, command);
    }

    /** Typed reads of this repository's objects, and history walks. */
    public ObjectReader objects() {
        return objects;
    }

    /**
     * The raw content-addressed objects, for moving objects in and out of the repository (fetch,
     * push). Storing an object changes no state: only a ref, HEAD or the stage naming it does, through
     * a {@link Transaction}.
     */
    public dev.forge.core.port.ObjectStore objectStore() {
        return store.objects();
    }

    /** The {@code .forge} folder: where modules keep per-repository state of their own (remote caches). */
    public Path forgeDir() {
        return store.forgeDir();
    }

    /**
     * Whether a change of the work tree is under way or was interrupted ({@code .forge/worktree-journal}
     * exists): a command opened read-only sees the work tree half moved, and the next command that opens
     * the repository to write puts it back ({@link WorkTreeJournal}).
     */
    public boolean workTreeChangePending() {
        return java.nio.file.Files.exists(
                forgeDir().resolve(WorkTreeJournal.FILE), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /** The stage as stored now. */
    public Stage stage() {
        return Stage.read(meta());
    }

    public Optional<ObjectId> ref(String name) {
        return meta().ref(name);
    }

    /** Refs whose full names start with {@code prefix} ({@code refs/remotes/origin/}), by name. */
    public java.util.SortedMap<String, ObjectId> refs(String prefix) {
        return meta().refs(prefix);
    }

    /** Configured remotes: name to URL, by name. */
    public java.util.SortedMap<String, String> remotes() {
        return meta().remotes();
    }

    public Path root() {
        return workTree.root();
    }

    WorkTree workTree() {
        return workTree;
    }

    /**
     * The repository path ({@code art/hero.psd}) that a command-line argument names, resolved against
     * {@code cwd}; refuses a path outside the work tree, inside {@code .forge} or beyond a symbolic link.
     */
    public String repoPath(Path cwd, String arg) {
        return workTree.relativize(cwd, arg);
    }

    MetadataStore meta() {
        return store.metadata();
    }

    /** True when the repository was opened read-only (see {@link LocalStore#readOnly()}). */
    public boolean readOnly() {
        return store.readOnly();
    }

    public RepoConfig config() {
        return store.config();
    }

    public Head head() {
        return meta().head();
    }

    /** The commit HEAD names, if any (none before the first commit). */
    public Optional<ObjectId> headCommit() {
        // instanceof, not a pattern switch: every command asks this, and a pattern switch's call site
        // is a class the JVM generates on first use, which the AOT cache does not keep (3% of a status's
        // main thread).
        Head h = head();
        if (h instanceof Head.OnBranch b) return meta().ref(RefNames.branch(b.branch()));
        return Optional.of(((Head.Detached) h).commit());
    }

    /** A ref name for people: "main", or the short id when detached. */
    public String describeHead() {
        return switch (head()) {
            case Head.OnBranch b -> b.branch();
            case Head.Detached d -> "detached at " + d.commit().shortHex();
        };
    }

    /**
     * Resolves a revision: {@code HEAD}, a branch or tag name (or its full ref name), a full or unique
     * abbreviated (at least 4 hex digits) commit id, each optionally followed by {@code ~N} or {@code ^}.
     */
    public ObjectId resolve(String rev) {
        if (rev == null || rev.isEmpty()) throw new InvalidInputException("empty revision");
        int suffix = indexOfSuffix(rev);
        String base = suffix < 0 ? rev : rev.substring(0, suffix);
        ObjectId id = resolveBase(base, rev);
        if (suffix >= 0) {
            String s = rev.substring(suffix);
            while (!s.isEmpty()) {
                int steps;
                if (s.startsWith("^")) {
                    steps = 1;
                    s = s.substring(1);
                } else {
                    int end = 1;
                    while (end < s.length() && Character.isDigit(s.charAt(end))) end++;
                    steps = end == 1 ? 1 : Integer.parseInt(s.substring(1, end));
                    s = s.substring(end);
                }
                for (int i = 0; i < steps; i++) {
                    List<ObjectId> parents = objects.commit(id).parents();
                    if (parents.isEmpty())
                        throw new NotFoundException("revision '" + rev + "' goes past the first commit");
                    id = parents.get(0);
                }
            }
        }
        return id;
    }

    private static int indexOfSuffix(String rev) {
        for (int i = 0; i < rev.length(); i++) {
            char c = rev.charAt(i);
            if (c == '~' || c == '^') return i;
        }
        return -1;
    }

    private ObjectId resolveBase(String base, String rev) {
        if (base.equals("HEAD") || base.equals("@")) {
            return headCommit()
                    .orElseThrow(() -> new NotFoundException("HEAD has no commit yet; make one with 'forge commit'"));
        }
        for (String name : List.of(base, RefNames.HEADS + base, RefNames.TAGS + base, RefNames.REMOTES + base)) {
            Optional<ObjectId> r = meta().ref(name);
            if (r.isPresent()) return r.get();
        }
        if (base.length() >= 4 && ObjectId.isHex(base)) {
            String hex = base.toLowerCase(java.util.Locale.ROOT);
            List<StoredObject> found = new ArrayList<>();
            for (StoredObject o : store.objects().findByHexPrefix(hex, 50)) {
                if (o.type() == dev.forge.core.model.ObjectType.COMMIT) found.add(o);
            }
            if (found.size() == 1) return found.get(0).id();
            if (found.size() > 1)
                throw new InvalidInputException(
                        "revision '" + base + "' is ambiguous: " + found.size() + " commits start with it");
        }
        throw new NotFoundException("unknown revision '" + rev + "'");
    }

    /**
     * Stores {@code stage} as tree objects (durably) and returns the root id, so the op log can name a
     * stage state that undo can bring back. Identical stages share their trees.
     */
    ObjectId snapshot(java.util.Collection<dev.forge.core.port.StageEntry> stage) {
        return snapshot(stage, null).root();
    }

    /**
     * As {@link #snapshot(java.util.Collection)}, taking the trees of unchanged folders from {@code
     * cache} (see {@link TreeCache}) and returning the cache for {@code stage} (none when {@code cache}
     * is null).
     */
    Trees.Snapshot snapshot(java.util.Collection<dev.forge.core.port.StageEntry> stage, TreeCache cache) {
        return withSink(sink -> Trees.write(new ArrayList<>(stage), cache, sink));
    }

    /** As {@link #snapshot(java.util.Collection, TreeCache)} for the stage as a map by path. */
    Trees.Snapshot snapshot(java.util.SortedMap<String, dev.forge.core.port.StageEntry> stage, TreeCache cache) {
        return withSink(sink -> Trees.write(stage, cache, sink));
    }

    /**
     * The root tree of the stage whose root tree is {@code before} after {@code changes}, its changed
     * folders stored durably (see {@link Trees#apply}); null when they cannot be applied to the trees.
     */
    ObjectId snapshotChanged(ObjectId before, java.util.SortedMap<String, dev.forge.core.port.StageEntry> changes) {
        return withSink(sink -> Trees.apply(objects, before, changes, sink));
    }

    /** What {@code write} returns, after the objects it put into the sink are durable. */
    private <T> T withSink(java.util.function.Function<ObjectSink, T> write) {
        try (ObjectSink sink = new ObjectSink(
                store.objects(), config().compression(), config().chunking().maxSize())) {
            T out = write.apply(sink);
            sink.flush();
            return out;
        }
    }

    public Optional<dev.forge.core.port.MergeState> mergeState() {
        return meta().mergeState();
    }

    public void setGcGraceDays(int days) {
        store.saveConfig(store.config().withGcGraceDays(days));
    }

    /**
     * Installs lazy fetch: contents a sparse or lazy clone lacks are downloaded through {@code fetcher} when a
     * command needs them, instead of the command refusing with exit 4.
     */
    public void lazyFetch(ContentFetcher fetcher) {
        this.lazyFetch = fetcher;
    }

    private volatile Prefill prefill;

    /**
     * Files of the next checkout already written as their chunks arrived (a clone); the checkout takes
     * those that are whole instead of writing them. Null: none.
     */
    public void prefill(Prefill files) {
        this.prefill = files;
    }

    Prefill prefill() {
        return prefill;
    }

    /** The lazy fetcher, or null when contents this clone lacks are refused. */
    ContentFetcher lazyFetch() {
        return lazyFetch;
    }

    /** The paths a sparse clone keeps in its work tree ({@link SparsePaths#ALL} when not sparse). */
    public SparsePaths sparse() {
        return SparsePaths.load(store.forgeDir());
    }

    /** The file that makes a clone lazy: it names the remote that contents are fetched from on demand. */
    public static final String LAZY_FILE = "lazy";

    /**
     * The remote a lazy clone ({@code forge clone --lazy}) fetches contents from when a command needs
     * them, or empty when this is not a lazy clone. A lazy clone has every commit and tree, and the
     * contents only of what it checked out or read: the rest stays on the remote.
     */
    public java.util.Optional<String> lazyRemote() {
        try {
            String name = java.nio.file.Files.readString(store.forgeDir().resolve(LAZY_FILE))
                    .strip();
            return name.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(name);
        } catch (java.nio.file.NoSuchFileException e) {
            return java.util.Optional.empty();
        } catch (java.io.IOException e) {
            throw new dev.forge.core.error.ForgeException(
                    "cannot read " + store.forgeDir().resolve(LAZY_FILE) + ": " + e.getMessage(), e);
        }
    }

    /** Makes this a lazy clone that fetches contents from {@code remote} on demand (written atomically). */
    public void makeLazy(String remote) {
        java.nio.file.Path f = store.forgeDir().resolve(LAZY_FILE);
        java.nio.file.Path tmp = f.resolveSibling(LAZY_FILE + ".tmp");
        try {
            java.nio.file.Files.writeString(tmp, remote + "\n");
            java.nio.file.Files.move(
                    tmp,
                    f,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new dev.forge.core.error.ForgeException("cannot write " + f + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether contents may be missing here by design (a sparse or a lazy clone), so commands check
     * before reading them and fetch them on demand; in a full repository a missing one is damage.
     */
    public boolean partial() {
        return sparse().isSparse() || lazyRemote().isPresent();
    }

    public void setCompression(dev.forge.core.codec.CompressionPolicy policy) {
        store.saveConfig(store.config().withCompression(policy));
    }

    /** Saves changed settings ({@link Settings}); the format and chunking are fixed at init and must not change. */
    public void saveConfig(RepoConfig config) {
        RepoConfig now = store.config();
        if (config.format() != now.format() || !config.chunking().equals(now.chunking()))
            throw new IllegalArgumentException("the repository format and chunking are fixed at init");
        store.saveConfig(config);
    }

    /**
     * Makes sure the contents {@code wanted} (a name for messages, the content) are in the local store
     * of this sparse, lazy or evicted repository: read back from the work tree (verified) or fetched
     * through the lazy fetcher; throws naming them when neither can (exit 4 or 10). Nothing to do in a
     * full repository.
     */
    public void ensureLocal(java.util.Map<String, dev.forge.core.model.ContentRef> wanted, String where) {
        new LocalContent(this).ensure(wanted.entrySet(), where);
    }

    private final java.util.List<Runnable> beforeClose = new java.util.ArrayList<>();

    /**
     * Runs {@code action} when this repository is closed, before the store is (the CLI enforces {@code
     * store.maxSize} this way after any command that may have grown the store). A failure of one is
     * the action's own business: it must not throw.
     */
    public void beforeClose(Runnable action) {
        beforeClose.add(action);
    }

    @Override
    public void close() {
        try {
            for (Runnable r : beforeClose) r.run();
        } finally {
            store.close();
        }
    }

    static ForgeException io(String what, java.io.IOException e) {
        return new ForgeException(what + ": " + e.getMessage(), e);
    }
}
