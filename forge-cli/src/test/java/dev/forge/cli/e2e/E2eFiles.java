package dev.forge.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/** File-tree helpers for the end-to-end tests: hashing, manifests, copying, comparing. */
final class E2eFiles {
    static final ObjectMapper JSON = new ObjectMapper();

    private E2eFiles() {}

    static JsonNode json(ForgeProcess.Result r) {
        try {
            return JSON.readTree(r.stdoutBytes());
        } catch (IOException e) {
            throw new AssertionError("stdout is not JSON: " + r.describe(), e);
        }
    }

    /** Relative '/'-separated paths of the regular files and symlinks under {@code root}, minus a top-level .forge. */
    static SortedMap<String, Path> files(Path root) {
        SortedMap<String, Path> m = new TreeMap<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.equals(root.resolve(".forge"))) return FileVisitResult.SKIP_SUBTREE;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() || attrs.isSymbolicLink()) m.put(rel(root, file), file);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    static String rel(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    static String sha256(Path file) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            try (InputStream in = Files.newInputStream(file)) {
                for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static SortedMap<String, String> hashTree(Path root) {
        SortedMap<String, String> m = new TreeMap<>();
        files(root).forEach((rel, p) -> m.put(rel, sha256(p)));
        return m;
    }

    /**
     * Parses a {@code sha256sum} manifest as make-corpus.sh writes it ({@code cd DIR && find . -type f
     * | sort | xargs sha256sum}): "HASH  ./path" per line; GNU coreutils prefixes the line with a
     * backslash and escapes "\\", "\n" (and "\r") when a name contains them.
     */
    static SortedMap<String, String> readManifest(Path manifest) {
        SortedMap<String, String> m = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                boolean escaped = line.startsWith("\\");
                if (escaped) line = line.substring(1);
                if (line.length() < 66 || !line.substring(0, 64).matches("[0-9a-f]{64}") || line.charAt(64) != ' ') {
                    fail("unexpected line in " + manifest + ": " + line);
                }
                String hash = line.substring(0, 64);
                String path = line.substring(66); // "  " (text mode) or " *" (binary mode)
                if (escaped)
                    path = path.replace("\\n", "\n").replace("\\r", "\r").replace("\\\\", "\\");
                if (path.startsWith("./")) path = path.substring(2);
                m.put(path, hash);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    /** Asserts that the files under {@code root} (minus .forge) are exactly the manifest's, with its hashes. */
    static void assertMatchesManifest(SortedMap<String, String> manifest, Path root, String what) {
        SortedMap<String, String> actual = hashTree(root);
        if (actual.equals(manifest)) return;
        Set<String> missing = new TreeSet<>(manifest.keySet());
        missing.removeAll(actual.keySet());
        Set<String> extra = new TreeSet<>(actual.keySet());
        extra.removeAll(manifest.keySet());
        List<String> differ = new ArrayList<>();
        for (var e : manifest.entrySet()) {
            String a = actual.get(e.getKey());
            if (a != null && !a.equals(e.getValue())) differ.add(e.getKey());
        }
        fail(what + " (" + root + ") does not match its manifest: " + missing.size() + " missing " + head(missing)
                + ", " + extra.size() + " unexpected " + head(extra) + ", " + differ.size() + " with other content "
                + head(differ));
    }

    /** Asserts that two trees (minus .forge) hold the same paths with the same bytes (symlinks: same target). */
    static void assertSameTree(Path expected, Path actual) {
        SortedMap<String, Path> a = files(expected);
        SortedMap<String, Path> b = files(actual);
        assertEquals(a.keySet(), b.keySet(), () -> "file sets differ between " + expected + " and " + actual);
        List<String> differ = new ArrayList<>();
        try {
            for (var e : a.entrySet()) {
                Path x = e.getValue();
                Path y = b.get(e.getKey());
                if (Files.isSymbolicLink(x) || Files.isSymbolicLink(y)) {
                    if (!Files.isSymbolicLink(x)
                            || !Files.isSymbolicLink(y)
                            || !Files.readSymbolicLink(x).equals(Files.readSymbolicLink(y))) {
                        differ.add(e.getKey());
                    }
                } else if (Files.mismatch(x, y) != -1) {
                    differ.add(e.getKey());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!differ.isEmpty())
            fail(differ.size() + " files differ between " + expected + " and " + actual + ": " + head(differ));
    }

    /** Copies the tree {@code from} into {@code to} (created as needed), replacing existing files. */
    static void copyTree(Path from, Path to) {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes {@code work} (minus .forge) hold exactly the files of {@code from}: deletes the others, copies all. */
    static void replaceContent(Path work, Path from) {
        Set<String> keep = files(from).keySet();
        try {
            for (var e : files(work).entrySet()) {
                if (!keep.contains(e.getKey())) Files.delete(e.getValue());
            }
            // drop directories left empty
            List<Path> dirs = new ArrayList<>();
            try (Stream<Path> s = Files.walk(work)) {
                s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                                && !p.equals(work)
                                && !p.startsWith(work.resolve(".forge")))
                        .forEach(dirs::add);
            }
            dirs.sort((x, y) -> y.getNameCount() - x.getNameCount());
            for (Path d : dirs) {
                try (Stream<Path> s = Files.list(d)) {
                    if (s.findAny().isEmpty()) Files.delete(d);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        copyTree(from, work);
    }

    static long totalSize(Path root) {
        long n = 0;
        try {
            for (Path p : files(root).values()) {
                if (!Files.isSymbolicLink(p)) n += Files.size(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(root)) {
            List<Path> all =
                    s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).toList();
            for (Path p : all) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String head(java.util.Collection<String> c) {
        List<String> l = new ArrayList<>(c);
        return l.size() <= 10 ? l.toString() : l.subList(0, 10) + "...";
    }
}
