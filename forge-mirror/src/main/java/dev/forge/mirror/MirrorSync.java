package dev.forge.mirror;

import dev.forge.core.error.ForgeException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.RefNames;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.repo.Repository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Brings mirrors up to date ({@code forge push} to their primary, {@code forge mirror sync}): each
 * mirror gets the branches (and, when asked, the tags) of what it follows, pushed from this
 * repository's objects as {@link Push#asMirror} does: only the contents its route takes, every
 * commit, tree and list. Mirrors are synced in parallel, each on its own; one that fails is reported
 * and never stops or fails the others, nor the push to the primary that started it.
 *
 * <p>A mirror never loses a branch by a sync: a branch deleted on the primary stays on the mirror
 * (shown as stale by {@link MirrorStatus}). A mirror is the copy to go back to when the primary is
 * damaged or emptied by mistake, so a sync must not carry such a mistake over.
 */
public final class MirrorSync {
    /** What a sync did to one branch of one mirror. */
    public record BranchResult(String branch, ObjectId commit, ObjectId previous, boolean upToDate, long objects) {}

    /** What a sync did to one mirror: {@code failure} is null when it succeeded. */
    public record Report(
            String mirror,
            String route,
            List<BranchResult> branches,
            List<String> tags,
            long bytesSent,
            long requests,
            double seconds,
            RuntimeException failure,
            dev.forge.mirror.youtube.YouTubeMirror.Result youtube) {
        /** A report of a mirror that is not a YouTube mirror. */
        public Report(
                String mirror,
                String route,
                List<BranchResult> branches,
                List<String> tags,
                long bytesSent,
                long requests,
                double seconds,
                RuntimeException failure) {
            this(mirror, route, branches, tags, bytesSent, requests, seconds, failure, null);
        }

        public boolean ok() {
            return failure == null;
        }

        /** One line saying why it failed (null when it did not). */
        public String error() {
            if (failure == null) return null;
            // A ForgeException's message is a user's line; anything else is a bug, named by its class.
            return failure instanceof ForgeException && failure.getMessage() != null
                    ? failure.getMessage()
                    : failure.getClass().getSimpleName()
                            + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
        }
    }

    private final Repository repo;
    private final Function<String, Remote> open;
    private boolean full;
    private boolean tags;

    /** {@code open} opens a remote by name (with the command's -j, deadlines and retry notices). */
    public MirrorSync(Repository repo, Function<String, Remote> open) {
        this.repo = repo;
        this.open = open;
    }

    /** Walks all history (after a route changed), not only what the mirror's branches do not reach. */
    public MirrorSync full(boolean full) {
        this.full = full;
        return this;
    }

    /** Also sends every local tag (a tag that moved here moves on the mirror too). */
    public MirrorSync tags(boolean tags) {
        this.tags = tags;
        return this;
    }

    /**
     * The branches a mirror follows, by name: the remote-tracking branches of its primary (what this
     * repository last saw there), or this repository's branches for a mirror that follows none.
     */
    public static SortedMap<String, ObjectId> source(Repository repo, Mirrors.Mirror m) {
        String prefix = m.of() == null ? RefNames.HEADS : RefNames.REMOTES + m.of() + "/";
        SortedMap<String, ObjectId> out = new TreeMap<>();
        repo.refs(prefix).forEach((ref, id) -> out.put(ref.substring(prefix.length()), id));
        return out;
    }

    /** Syncs each of {@code mirrors} with every branch it follows. */
    public List<Report> syncAll(List<Mirrors.Mirror> mirrors) {
        return run(mirrors, m -> source(repo, m));
    }

    /** Syncs each of {@code mirrors} with only {@code branches} (after a push of them to the primary). */
    public List<Report> sync(List<Mirrors.Mirror> mirrors, Map<String, ObjectId> branches) {
        return run(mirrors, m -> branches);
    }

    private List<Report> run(List<Mirrors.Mirror> mirrors, Function<Mirrors.Mirror, Map<String, ObjectId>> branches) {
        if (mirrors.isEmpty()) return List.of();
        List<Report> out = new ArrayList<>();
        // A thread per mirror (there are few); each remote runs its own transfers in parallel.
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(mirrors.size(), 4))) {
            List<Future<Report>> running = new ArrayList<>();
            for (Mirrors.Mirror m : mirrors) running.add(pool.submit(() -> syncOne(m, branches.apply(m))));
            for (int i = 0; i < mirrors.size(); i++) {
                try {
                    out.add(running.get(i).get());
                } catch (ExecutionException e) {
                    out.add(failed(mirrors.get(i), e.getCause(), 0));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    out.add(failed(mirrors.get(i), e, 0));
                }
            }
        }
        return out;
    }

    private Report syncOne(Mirrors.Mirror m, Map<String, ObjectId> branches) {
        long start = System.nanoTime();
        Remote remote;
        try {
            remote = open.apply(m.name());
        } catch (RuntimeException e) {
            return failed(m, e, start);
        }
        List<BranchResult> done = new ArrayList<>();
        List<String> tagsSent = new ArrayList<>();
        try (remote) {
            for (Map.Entry<String, ObjectId> b : branches.entrySet()) {
                Push.Result r = new Push(repo, remote)
                        .asMirror(m.route())
                        .full(full)
                        .run(b.getKey(), b.getValue(), b.getKey(), ProgressListener.NONE);
                done.add(new BranchResult(b.getKey(), r.commit(), r.previous(), r.upToDate(), r.objects()));
            }
            if (tags) {
                Push.TagResult t = new Push(repo, remote).asMirror(m.route()).pushTags(true, ProgressListener.NONE);
                tagsSent.addAll(t.created());
                tagsSent.addAll(t.moved());
            }
            // A YouTube mirror: what the pushes staged goes up as videos (dev.forge.mirror.youtube).
            dev.forge.mirror.youtube.YouTubeMirror.Result videos = null;
            if (remote.youtube().isPresent())
                videos = uploadVideos(remote, remote.youtube().get());
            return new Report(
                    m.name(),
                    m.route().toString(),
                    List.copyOf(done),
                    List.copyOf(tagsSent),
                    remote.meter().bytesSent(),
                    remote.meter().requests(),
                    seconds(start),
                    null,
                    videos);
        } catch (RuntimeException e) {
            Report f = failed(m, e, start);
            return new Report(
                    m.name(),
                    f.route(),
                    List.copyOf(done),
                    List.copyOf(tagsSent),
                    remote.meter().bytesSent(),
                    remote.meter().requests(),
                    f.seconds(),
                    f.failure());
        }
    }

    private static dev.forge.mirror.youtube.YouTubeMirror.Result uploadVideos(Remote remote, RemoteUrl.YouTube url) {
        try {
            return dev.forge.mirror.youtube.YouTubeMirror.upload(
                    remote,
                    url,
                    dev.forge.mirror.youtube.YouTubeMirror.uploader(url),
                    dev.forge.mirror.youtube.YouTubeMirror::writeVideo,
                    java.time.Clock.systemUTC());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ForgeException("interrupted while uploading to YouTube", e);
        }
    }

    private static Report failed(Mirrors.Mirror m, Throwable e, long start) {
        RuntimeException failure = e instanceof RuntimeException r ? r : new ForgeException(String.valueOf(e), e);
        return new Report(
                m.name(), m.route().toString(), List.of(), List.of(), 0, 0, start == 0 ? 0 : seconds(start), failure);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
