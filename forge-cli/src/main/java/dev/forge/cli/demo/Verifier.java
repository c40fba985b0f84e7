package dev.forge.cli.demo;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.port.ProgressListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Checks a folder against a {@link Manifest}: the same files, each with the same size and SHA-256. */
public final class Verifier {
    private Verifier() {}

    public record Result(int files, long bytes, double seconds) {}

    /**
     * Reads every file under {@code dir} once. Throws {@link IntegrityException} naming the first few
     * differences (missing, extra, wrong size, wrong content) when anything differs.
     */
    public static Result verify(Path dir, Manifest expected, String what, ProgressListener progress)
            throws IOException {
        long start = System.nanoTime();
        Map<String, Manifest.Entry> want = expected.files();
        TreeSet<String> found = new TreeSet<>();
        try (Stream<Path> s = Files.walk(dir)) {
            // A clone's .forge/ is never part of its work tree.
            s.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.startsWith(".forge/"))
                    .forEach(found::add);
        }
        List<String> problems = new ArrayList<>();
        for (String p : want.keySet()) {
            if (!found.contains(p)) problems.add(p + " is missing");
        }
        for (String p : found) {
            if (!want.containsKey(p)) problems.add(p + " should not be there");
        }
        MessageDigest d = DemoProject.sha256();
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long bytes = 0;
        for (var e : want.entrySet()) {
            if (!found.contains(e.getKey())) continue;
            Path file = dir.resolve(e.getKey());
            long size = 0;
            d.reset();
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                for (int n; (n = ch.read(buf.clear())) >= 0; ) {
                    d.update(buf.array(), 0, n);
                    size += n;
                    progress.advance(n);
                }
            }
            bytes += size;
            if (size != e.getValue().size()) {
                problems.add(e.getKey() + " has " + size + " bytes, expected "
                        + e.getValue().size());
            } else if (!MessageDigest.isEqual(d.digest(), e.getValue().sha256())) {
                problems.add(e.getKey() + " has different content (SHA-256 differs)");
            }
        }
        if (!problems.isEmpty()) {
            String list = String.join("; ", problems.subList(0, Math.min(3, problems.size())))
                    + (problems.size() > 3 ? "; ..." : "");
            throw new IntegrityException(what + " in " + dir + " does not match what was written: " + problems.size()
                    + " problem" + (problems.size() == 1 ? "" : "s") + " (" + list + ")");
        }
        return new Result(want.size(), bytes, (System.nanoTime() - start) / 1e9);
    }
}
