package dev.forge.cli.demo;

import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.WouldOverwriteException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.repo.Add;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.CommitOp;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Stats;
import dev.forge.mirror.Clone;
import dev.forge.mirror.Push;
import dev.forge.mirror.Remote;
import dev.forge.mirror.Remotes;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code forge demo} end to end, in process: write a media project, commit it, edit it like an artist
 * would, commit again, check both commits out into fresh folders and verify every byte, and measure
 * each step. The result is a {@link Report}; printing it is the CLI's job.
 */
public final class DemoRun {
    private DemoRun() {}

    public static final String AUTHOR = "Forge Demo <demo@forge.invalid>";
    public static final int MAX_SIZE_MIB = 64 << 10;

    /** One timed step and the bytes it wrote, read or processed. */
    public record Step(String name, long bytes, double seconds) {
        public double mbPerSecond() {
            return seconds <= 0 ? 0 : bytes / seconds / 1e6;
        }
    }

    /** One commit of the demo. */
    public record Version(String name, String rev, ObjectId commit, int files, long bytes, long storedBytes) {}

    /**
     * What a group of files changed in v2 added to the store: new chunks (their raw and stored bytes)
     * and new chunk lists (the ordered chunk ids of a multi-chunk file, rewritten whole per version).
     */
    public record Cost(
            String what,
            String change,
            int files,
            long bytes,
            int newChunks,
            long newChunkBytes,
            long chunkStoredBytes,
            long listStoredBytes) {
        public long storedBytes() {
            return chunkStoredBytes + listStoredBytes;
        }
    }

    public record Report(
            Path repository,
            Path checkouts,
            int sizeMib,
            Version v1,
            Version v2,
            int changedFiles,
            long changedBytes,
            long storedIncrement,
            List<Cost> costs,
            long largeBinaryBytes,
            long insertedBytes,
            Stats.Report stats,
            int verifiedFiles,
            long verifiedBytes,
            List<Step> steps,
            Transfer remote,
            double seconds) {}

    /**
     * The demo's round trip through a {@code file://} remote: bytes sent by the push of v1 and of v2,
     * and received by a fresh clone (verified like the checkouts).
     */
    public record Transfer(String url, long v1Sent, long v2Sent, long cloneReceived, int cloneFiles) {}

    /**
     * The folder for the project: {@code dir} when it is absent or empty (created), else refused; a new
     * temporary folder when {@code dir} is null.
     */
    public static Path prepare(Path dir) throws IOException {
        if (dir == null) return Files.createTempDirectory("forge-demo-").toRealPath();
        Path d = dir.toAbsolutePath().normalize();
        if (Files.exists(d)) {
            if (!Files.isDirectory(d))
                throw new InvalidInputException(d + " exists and is not a folder; give --dir a new or empty folder");
            try (Stream<Path> s = Files.list(d)) {
                if (s.findAny().isPresent())
                    throw new WouldOverwriteException(d + " is not empty; give --dir a new or empty folder");
            }
        }
        Files.createDirectories(d);
        return d;
    }

    /** Runs the demo in {@code root} (see {@link #prepare}). Checkouts are deleted after they verify unless kept. */
    public static Report run(
            LocalStoreFactory stores, Path root, int sizeMib, boolean keepCheckouts, ProgressListener progress)
            throws IOException {
        if (sizeMib < 1 || sizeMib > MAX_SIZE_MIB) {
            throw new InvalidInputException("--size-mib must be between 1 and " + MAX_SIZE_MIB + ", got " + sizeMib);
        }
        long start = System.nanoTime();
        List<Step> steps = new ArrayList<>();
        DemoProject project = new DemoProject(root, sizeMib);

        Counting counting = new Counting(progress);
        long t = System.nanoTime();
        progress.begin("Generating", -1, "B");
        Manifest m1;
        try {
            m1 = project.writeVersion1(counting);
        } finally {
            progress.end();
        }
        steps.add(new Step("generate v1", counting.take(), seconds(t)));

        try (Repository repo = Repository.init(stores, root, RepoConfig.defaults())) {
            t = System.nanoTime();
            Add.Result a1 = new Add(repo).run(root, List.of("."), progress);
            CommitOp.Result c1 = new CommitOp(repo).run("v1", AUTHOR, false);
            steps.add(new Step("add+commit v1", a1.bytesRead(), seconds(t)));
            long stored1 = new Stats(repo).usage().packBytes();
            Version v1 = new Version("v1", "HEAD~1", c1.commit(), c1.files(), c1.bytes(), stored1);
            Path checkouts = Files.createTempDirectory(root.getParent(), root.getFileName() + "-checkouts-");
            String remoteUrl = checkouts.resolve("remote").toUri().toString();
            new Remotes(repo).add("demo", remoteUrl, root);
            t = System.nanoTime();
            Push.Result p1 = push(repo, progress);
            steps.add(new Step("push v1 (file://)", p1.bytesSent(), seconds(t)));

            t = System.nanoTime();
            progress.begin("Editing", -1, "B");
            DemoProject.Edits edits;
            try {
                edits = project.applyVersion2Edits(counting);
            } finally {
                progress.end();
            }
            steps.add(new Step("edit v2", counting.take(), seconds(t)));
            Manifest m2 = edits.manifest();

            t = System.nanoTime();
            Add.Result a2 = new Add(repo).run(root, List.of("."), progress);
            CommitOp.Result c2 = new CommitOp(repo).run("v2", AUTHOR, false);
            steps.add(new Step("add+commit v2", a2.bytesRead(), seconds(t)));
            long stored2 = new Stats(repo).usage().packBytes();
            Version v2 = new Version("v2", "HEAD", c2.commit(), c2.files(), c2.bytes(), stored2);
            t = System.nanoTime();
            Push.Result p2 = push(repo, progress);
            steps.add(new Step("push v2 (file://)", p2.bytesSent(), seconds(t)));

            Path dir1 = checkouts.resolve("v1");
            Path dir2 = checkouts.resolve("v2");
            Checkout.Result r1 = new Checkout(repo).into(v1.rev(), dir1, progress);
            steps.add(new Step("checkout v1 (HEAD~1)", r1.bytes(), r1.seconds()));
            Checkout.Result r2 = new Checkout(repo).into(v2.rev(), dir2, progress);
            steps.add(new Step("checkout v2 (HEAD)", r2.bytes(), r2.seconds()));

            t = System.nanoTime();
            progress.begin("Verifying", m1.bytes() + m2.bytes(), "B");
            Verifier.Result ok1;
            Verifier.Result ok2;
            try {
                ok1 = Verifier.verify(dir1, m1, "the checkout of v1 (HEAD~1)", progress);
                ok2 = Verifier.verify(dir2, m2, "the checkout of v2 (HEAD)", progress);
            } finally {
                progress.end();
            }
            steps.add(new Step("verify v1 + v2", ok1.bytes() + ok2.bytes(), seconds(t)));
            t = System.nanoTime();
            Clone.Result cl = new Clone(stores).run(remoteUrl, checkouts, checkouts.resolve("clone"), null, progress);
            steps.add(new Step("clone v2 (file://)", cl.fetch().bytesReceived(), seconds(t)));
            Verifier.Result okClone =
                    Verifier.verify(checkouts.resolve("clone"), m2, "the clone of the demo remote", progress);
            Transfer transfer = new Transfer(
                    remoteUrl, p1.bytesSent(), p2.bytesSent(), cl.fetch().bytesReceived(), okClone.files());
            if (!keepCheckouts) {
                deleteTree(checkouts);
                checkouts = null;
            }

            Map<String, Manifest.Entry> changed = m2.changedFrom(m1);
            long changedBytes = 0;
            for (Manifest.Entry e : changed.values()) changedBytes += e.size();
            List<Cost> costs = costs(repo, v1, v2, m1, changed, edits, project.largeBinaryBytes());
            Stats.Report stats = new Stats(repo).run();
            return new Report(
                    root,
                    checkouts,
                    sizeMib,
                    v1,
                    v2,
                    changed.size(),
                    changedBytes,
                    stored2 - stored1,
                    costs,
                    project.largeBinaryBytes(),
                    edits.insertedBytes(),
                    stats,
                    ok1.files() + ok2.files(),
                    ok1.bytes() + ok2.bytes(),
                    steps,
                    transfer,
                    seconds(start));
        }
    }

    private static Push.Result push(Repository repo, ProgressListener progress) {
        try (Remote remote = new Remotes(repo).open("demo", Remote.DEFAULT_PARALLELISM)) {
            return new Push(repo, remote).run("main", "main", progress);
        }
    }

    /** v2's new stored bytes, charged to the edits that caused them; the rest is trees, commit and pack framing. */
    private static List<Cost> costs(
            Repository repo,
            Version v1,
            Version v2,
            Manifest m1,
            Map<String, Manifest.Entry> changed,
            DemoProject.Edits edits,
            long largeBytes) {
        StoredCost sc = new StoredCost(repo, v1.commit(), v2.commit());
        List<String> newFrames = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (String p : changed.keySet()) {
            if (p.startsWith(DemoProject.FRAMES + "/") && m1.get(p) == null) newFrames.add(p);
            else others.add(p);
        }
        // The large binary first (it is the point of the demo), then the audio, the new frames, the rest.
        List<Cost> out = new ArrayList<>();
        for (String p : List.of(DemoProject.LARGE, DemoProject.AUDIO)) {
            if (others.remove(p)) out.add(cost(sc, p, change(p, m1, edits, largeBytes), List.of(p), changed));
        }
        if (!newFrames.isEmpty()) {
            String last = newFrames.getLast();
            String what = newFrames.size() == 1
                    ? newFrames.get(0)
                    : newFrames.get(0).replace(".png", "") + ".." + last.substring(last.lastIndexOf('_') + 1);
            out.add(cost(sc, what, newFrames.size() + " new frames", newFrames, changed));
        }
        for (String p : others) out.add(cost(sc, p, change(p, m1, edits, largeBytes), List.of(p), changed));
        long charged = 0;
        for (Cost c : out) charged += c.storedBytes();
        out.add(new Cost(
                "trees, commit, pack records",
                "",
                0,
                0,
                0,
                0,
                Math.max(0, (v2.storedBytes() - v1.storedBytes()) - charged),
                0));
        return out;
    }

    private static String change(String path, Manifest m1, DemoProject.Edits edits, long largeBytes) {
        return switch (path) {
            case DemoProject.AUDIO ->
                fmt("%.0f s punch-in, %s overwritten", DemoProject.PUNCH_IN_SECONDS, kib(edits.punchInBytes()));
            case DemoProject.LARGE -> fmt("%s layer inserted into %s", kib(edits.insertedBytes()), mib(largeBytes));
            case DemoProject.NOTES -> "a line added";
            default -> m1.get(path) == null ? "new" : "changed";
        };
    }

    private static Cost cost(
            StoredCost sc, String what, String change, List<String> paths, Map<String, Manifest.Entry> changed) {
        StoredCost.Cost c = sc.of(paths);
        long bytes = 0;
        for (String p : paths) bytes += changed.get(p).size();
        return new Cost(
                what,
                change,
                paths.size(),
                bytes,
                c.newChunks(),
                c.newRawBytes(),
                c.chunkStoredBytes(),
                c.listStoredBytes());
    }

    private static String fmt(String f, Object... args) {
        return String.format(java.util.Locale.ROOT, f, args);
    }

    private static String kib(long b) {
        return b % 1024 == 0 ? (b / 1024) + " KiB" : fmt("%.1f KiB", b / 1024.0);
    }

    private static String mib(long b) {
        return b % (1 << 20) == 0 ? (b >> 20) + " MiB" : fmt("%.1f MiB", b / 1048576.0);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) throw e;
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Passes progress through and counts the bytes, for the throughput of generate and edit. */
    private static final class Counting implements ProgressListener {
        private final ProgressListener inner;
        private final AtomicLong bytes = new AtomicLong();

        Counting(ProgressListener inner) {
            this.inner = inner;
        }

        @Override
        public void advance(long amount) {
            bytes.addAndGet(amount);
            inner.advance(amount);
        }

        long take() {
            return bytes.getAndSet(0);
        }
    }
}
