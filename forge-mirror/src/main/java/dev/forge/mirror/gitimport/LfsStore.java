package dev.forge.mirror.gitimport;

import dev.forge.core.repo.HistoryWriter.ContentSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where Git LFS objects are found: local {@code lfs/objects} folders (the source's own, or {@code
 * --lfs-from PATH}), or an LFS server's batch API ({@code --lfs-from URL}, or the source's URL).
 */
final class LfsStore {
    private final List<Path> folders;
    private final LfsBatchClient server;

    private LfsStore(List<Path> folders, LfsBatchClient server) {
        this.folders = folders;
        this.server = server;
    }

    static LfsStore of(GitImport.GitSource src, String lfsFrom, Path scratch) {
        List<Path> folders = new ArrayList<>();
        LfsBatchClient server = null;
        if (lfsFrom != null && (lfsFrom.startsWith("http://") || lfsFrom.startsWith("https://"))) {
            server = new LfsBatchClient(lfsFrom, scratch);
        } else if (lfsFrom != null) {
            Path p = GitImport.GitSource.localPath(lfsFrom);
            for (Path f : List.of(p.resolve(".git/lfs/objects"), p.resolve("lfs/objects"), p)) {
                if (Files.isDirectory(f)) {
                    folders.add(f);
                    break;
                }
            }
        }
        if (src.localRoot() != null) {
            folders.add(src.localRoot().resolve("lfs/objects"));
        } else if (server == null) {
            String url = src.url();
            if (url != null && (url.startsWith("http://") || url.startsWith("https://"))) {
                server = new LfsBatchClient(LfsBatchClient.endpointOf(url), scratch);
            }
        }
        return new LfsStore(folders, server);
    }

    /** The object {@code p} names, ready to be read; empty when it is nowhere. */
    Optional<ContentSource> find(LfsPointer p, String where) {
        for (Path f : folders) {
            Path file = f.resolve(p.relativePath());
            try {
                if (Files.isRegularFile(file) && Files.size(file) == p.size()) {
                    return Optional.of(new Sources.LfsFile(file, p, where));
                }
            } catch (java.io.IOException e) {
                // unreadable here: try the next place
            }
        }
        if (server != null) {
            return server.download(p).map(file -> new Sources.LfsFile(file, p, where));
        }
        return Optional.empty();
    }

    /** " in FOLDER, ..." or " on URL": for the missing-object message. */
    String describeWhere() {
        List<String> places = new ArrayList<>();
        for (Path f : folders) places.add(f.toString());
        if (server != null) places.add(server.endpoint());
        return places.isEmpty() ? "" : " (looked in " + String.join(", ", places) + ")";
    }
}
