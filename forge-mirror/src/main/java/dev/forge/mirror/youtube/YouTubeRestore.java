package dev.forge.mirror.youtube;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.RefNames;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.repo.FastForward;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Transaction;
import dev.forge.mirror.Fetch;
import dev.forge.mirror.Mirrors;
import dev.forge.mirror.Remote;
import dev.forge.mirror.blob.FileBlobStore;
import dev.forge.mirror.crypt.EncryptedNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@code forge mirror restore NAME --from DIR}: decodes every video in DIR (what the owner downloaded from YouTube
 * Studio or Takeout), puts the packs of every fully recovered one back into the mirror's staging store (with the
 * newest snapshot of its config, wrapped keys and refs when the store lacks them), then fetches from it as from any
 * encrypted remote: every object is decrypted and checked against its pack index before it enters the repository.
 * Into an empty repository it also makes the branches and checks one out. In a repository that uploaded to the
 * mirror it lists what the upload record names but DIR did not give back.
 */
public final class YouTubeRestore {
    /** One file of DIR: the batch it carried, or why it gave nothing ({@code error}). */
    public record Video(String file, long batch, int packs, long payloadBytes, int framesRepaired, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    /** What a restore did; {@code missing} lists what is known to exist and was not found (exit 12). */
    public record Result(
            List<Video> videos,
            int packsRestored,
            long objectsSalvaged,
            SortedMap<String, ObjectId> branches,
            String checkedOut,
            List<String> missing,
            String fetchError) {}

    /** A video read back: its payload (every byte verified) and how many frames the cross-frame code rebuilt. */
    public record Read(byte[] payload, int framesRepaired) {}

    /** Reads a video file; throws IntegrityException when it cannot be recovered whole. */
    @FunctionalInterface
    public interface VideoReader {
        Read read(Path video);
    }

    /** Through ffmpeg and the video codec. */
    public static final VideoReader FFMPEG = f -> {
        var r = YouTubeMirror.readVideo(f);
        return new Read(r.payload(), r.framesRepaired());
    };

    private final Repository repo;
    private final Function<String, Remote> open;
    private final Path cwd;
    private final VideoReader reader;

    public YouTubeRestore(Repository repo, Function<String, Remote> open, Path cwd) {
        this(repo, open, cwd, FFMPEG);
    }

    public YouTubeRestore(Repository repo, Function<String, Remote> open, Path cwd, VideoReader reader) {
        this.repo = repo;
        this.open = open;
        this.cwd = cwd;
        this.reader = reader;
    }

    public Result run(String name, Path dir, ProgressListener progress) {
        if (!Files.isDirectory(dir)) throw new dev.forge.core.error.NotFoundException("no such folder: " + dir);
        List<Video> videos = new ArrayList<>();
        List<VideoPayload> good = new ArrayList<>();
        for (Path f : files(dir)) {
            try {
                Read decoded = reader.read(f);
                VideoPayload p =
                        VideoPayload.decode(decoded.payload(), f.getFileName().toString());
                good.add(p);
                videos.add(new Video(
                        f.getFileName().toString(),
                        p.header().batch(),
                        p.header().packs().size(),
                        decoded.payload().length,
                        decoded.framesRepaired(),
                        null));
            } catch (ForgeException | UncheckedIOException e) {
                videos.add(new Video(f.getFileName().toString(), -1, 0, 0, 0, String.valueOf(e.getMessage())));
            }
        }
        Path state = repo.forgeDir().resolve("remotes").resolve(name);
        Path store = YouTubeMirror.store(state);
        boolean exists = repo.remotes().containsKey(name);
        if (exists && !repo.remotes().get(name).startsWith("youtube://"))
            throw new InvalidInputException("'" + name + "' is not a youtube:// mirror ("
                    + repo.remotes().get(name) + "): name the YouTube mirror to restore");
        // The repository the videos are of: the mirror's own when it has one, else the newest video's.
        String repository = configKeyId(store);
        if (repository == null && !good.isEmpty())
            repository = good.stream()
                    .max(Comparator.comparingLong(p -> p.header().batch()))
                    .get()
                    .header()
                    .repository();
        List<VideoPayload> usable = new ArrayList<>();
        for (int i = 0, g = 0; i < videos.size(); i++) {
            if (!videos.get(i).ok()) continue;
            VideoPayload p = good.get(g++);
            if (p.header().repository().equals(repository)) usable.add(p);
            else
                videos.set(
                        i,
                        new Video(
                                videos.get(i).file(),
                                p.header().batch(),
                                0,
                                0,
                                0,
                                "another repository's video (repository key "
                                        + p.header().repository() + ")"));
        }
        if (usable.isEmpty()) {
            throw new IntegrityException("no video in " + dir + " could be fully recovered for mirror '" + name + "'"
                    + (videos.isEmpty() ? " (the folder holds no files)" : ": " + firstErrors(videos)));
        }
        usable.sort(Comparator.comparingLong(p -> p.header().batch()));
        VideoPayload newest = usable.getLast();
        if (!exists) new Mirrors(repo).add(name, "youtube://" + newest.header().label(), null, List.of(), cwd);
        int packs = put(store, usable, snapshotOf(usable));
        SortedMap<String, ObjectId> branches = new TreeMap<>();
        String fetchError = null;
        String checkedOut = null;
        long salvaged = 0;
        try (Remote remote = open.apply(name)) {
            boolean empty =
                    repo.headCommit().isEmpty() && repo.refs(RefNames.HEADS).isEmpty();
            Transaction tx = repo.begin("mirror restore " + name);
            try {
                Fetch.Result fetched = new Fetch(repo, remote)
                        .others(List.of())
                        .restoringVideos()
                        .run(tx, progress);
                branches.putAll(fetched.branches());
                if (empty && !branches.isEmpty()) {
                    for (Map.Entry<String, ObjectId> b : branches.entrySet())
                        tx.setRef(RefNames.branch(b.getKey()), b.getValue());
                    checkedOut = branches.containsKey(RefNames.DEFAULT_BRANCH)
                            ? RefNames.DEFAULT_BRANCH
                            : branches.firstKey();
                    tx.setHead(new Head.OnBranch(checkedOut));
                    new FastForward(repo).run(tx, checkedOut, branches.get(checkedOut), progress);
                } else {
                    tx.commit();
                }
            } catch (ForgeException e) {
                fetchError = e.getMessage();
                // The branches need something DIR did not give back: still take every object of the packs it did.
                try {
                    salvaged = new Fetch(repo, remote).restoringVideos().packs(packIds(remote, usable), progress);
                } catch (ForgeException again) {
                    fetchError += "; the packs found could not be imported either: " + again.getMessage();
                }
            }
            List<String> missing = missing(state, store, remote, usable, newest);
            return new Result(List.copyOf(videos), packs, salvaged, branches, checkedOut, missing, fetchError);
        }
    }

    /** The plaintext pack ids of the packs the usable videos carry. */
    private static Set<String> packIds(Remote remote, List<VideoPayload> usable) {
        EncryptedNames names = new EncryptedNames(remote.encryptingStore().key());
        Set<String> out = new LinkedHashSet<>();
        for (VideoPayload p : usable) {
            for (String s : p.header().packs()) {
                names.decode(s)
                        .filter(n -> n.startsWith("packs/") && n.endsWith(".pack"))
                        .ifPresent(n -> out.add(n.substring("packs/".length(), n.length() - ".pack".length())));
            }
        }
        return out;
    }

    private static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String firstErrors(List<Video> videos) {
        return String.join(
                "; ",
                videos.stream().limit(3).map(v -> v.file() + ": " + v.error()).toList());
    }

    /** The key id in the staging store's config, or null when it has none. */
    private static String configKeyId(Path store) {
        FileBlobStore raw = new FileBlobStore(store);
        if (!Files.isDirectory(store)) return null;
        return raw.get(dev.forge.mirror.format.RemoteConfig.BLOB)
                .map(v -> dev.forge.mirror.format.RemoteConfig.parse(v.data(), store.toString()))
                .map(c -> c.encryption() == null ? null : c.encryption().keyId())
                .orElse(null);
    }

    /** The small blobs to use: those of the newest batch that left nothing pending, else of the newest. */
    private static VideoPayload snapshotOf(List<VideoPayload> sorted) {
        for (int i = sorted.size() - 1; i >= 0; i--) if (sorted.get(i).header().complete()) return sorted.get(i);
        return sorted.getLast();
    }

    /** Puts every pack and index back, and the snapshot's other blobs where the store lacks them. */
    private static int put(Path store, List<VideoPayload> usable, VideoPayload snapshot) {
        FileBlobStore raw = new FileBlobStore(store);
        Set<String> packs = new LinkedHashSet<>();
        for (VideoPayload p : usable) {
            p.blobs().forEach((n, data) -> {
                if (n.startsWith("packs/") && raw.stat(n).isEmpty()) raw.put(n, data);
            });
            packs.addAll(p.header().packs());
        }
        snapshot.blobs().forEach((n, data) -> {
            if (!n.startsWith("packs/") && raw.stat(n).isEmpty()) raw.put(n, data);
        });
        return packs.size();
    }

    /**
     * What is known to exist and was not found: the recorded videos whose batch DIR did not give back, and the
     * packs the newest video names that are not in the staging store now.
     */
    private static List<String> missing(
            Path state, Path store, Remote remote, List<VideoPayload> usable, VideoPayload newest) {
        List<String> out = new ArrayList<>();
        Set<Long> found = new java.util.HashSet<>();
        usable.forEach(p -> found.add(p.header().batch()));
        UploadRecord rec = UploadRecord.read(YouTubeMirror.recordFile(state));
        Set<Long> listed = new java.util.HashSet<>();
        for (UploadRecord.Video v : rec.videos()) {
            if (!found.contains(v.batch()) && listed.add(v.batch()))
                out.add("video " + v.videoId() + " (batch " + v.batch() + ", "
                        + v.packs().size() + " packs, uploaded " + v.uploaded() + ")");
        }
        // Batches count up from 1: a gap is a video DIR lacks; a newest one that left packs pending had successors.
        for (long b = 1; b < newest.header().batch(); b++) {
            if (!found.contains(b) && listed.add(b)) out.add("the video of batch " + b + " (not in DIR)");
        }
        if (!newest.header().complete()
                && rec.videos().stream()
                        .noneMatch(v -> v.batch() > newest.header().batch()))
            out.add("the videos after batch " + newest.header().batch() + " (it left packs pending for later videos)");
        FileBlobStore raw = new FileBlobStore(store);
        Set<String> named = new LinkedHashSet<>(newest.header().allPacks());
        EncryptedNames names = null;
        try {
            names = new EncryptedNames(remote.encryptingStore().key());
        } catch (ForgeException e) {
            // no key: the packs are named as stored
        }
        for (String s : named) {
            if (raw.stat(s).isPresent()) continue;
            final EncryptedNames n = names;
            String plain = n == null ? s : n.decode(s).orElse(s);
            out.add("pack " + plain);
        }
        return out;
    }
}
