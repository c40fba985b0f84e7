package dev.forge.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.repo.Repository;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which remotes are mirrors ({@code forge mirror add|list|remove}): a mirror is a remote like any
 * other, in the one name space of {@link Remotes}, with a role kept in {@code .forge/mirrors}
 * (docs/format.md, "Mirrors"): the remote it follows ({@code of}, whose pushes bring it up to date)
 * and its route ({@code only}: media categories and path globs whose file contents it takes; empty
 * takes everything). Written whole: temporary file, fsync, rename.
 */
public final class Mirrors {
    static final String FILE = "mirrors";
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One mirror: remote {@code name}, following remote {@code of} (null: this repository's branches). */
    public record Mirror(String name, String of, List<String> only) {
        public Mirror {
            only = List.copyOf(only);
        }

        public Route route() {
            return Route.of(only);
        }

        public boolean partial() {
            return !only.isEmpty();
        }
    }

    private final Repository repo;

    public Mirrors(Repository repo) {
        this.repo = repo;
    }

    /** The mirrors, by name; a mirror whose remote was removed is left out. */
    public SortedMap<String, Mirror> list() {
        SortedMap<String, Mirror> out = new TreeMap<>(read());
        out.keySet().retainAll(repo.remotes().keySet());
        return out;
    }

    /** The mirrors that follow remote {@code primary}. */
    public List<Mirror> of(String primary) {
        return list().values().stream().filter(m -> primary.equals(m.of())).toList();
    }

    public boolean isMirror(String remote) {
        return list().containsKey(remote);
    }

    /**
     * Adds remote {@code name} at {@code url} as a mirror of {@code of} (null: the one remote that is
     * not a mirror, if there is exactly one), taking only {@code only} (empty: everything).
     */
    public Mirror add(String name, String url, String of, List<String> only, Path cwd) {
        return add(name, url, of, only, cwd, null);
    }

    /** Encryption of a new mirror: the age recipients its key is wrapped to, and FORGE_PASSPHRASE or not. */
    public record Encryption(List<String> recipients, boolean passphrase) {}

    /**
     * Adds a mirror as {@link #add(String, String, String, List, Path)} does; with {@code encryption} not
     * null it is an encrypted remote ({@code forge remote add --encrypt}): its first sync sets up its key.
     */
    public Mirror add(String name, String url, String of, List<String> only, Path cwd, Encryption encryption) {
        Route.of(only); // refuses a bad category or pattern before anything is written
        String primary = of != null ? of : defaultPrimary();
        if (primary != null) {
            if (!repo.remotes().containsKey(primary))
                throw new NotFoundException("no remote named '" + primary + "' for the mirror to follow" + " (remotes: "
                        + String.join(", ", repo.remotes().keySet()) + ")");
            if (isMirror(primary))
                throw new InvalidInputException(
                        "'" + primary + "' is a mirror itself; a mirror follows a remote that is not one");
        }
        if (encryption == null) new Remotes(repo).add(name, url, cwd);
        else new Remotes(repo).addEncrypted(name, url, cwd, encryption.recipients(), encryption.passphrase());
        Mirror m = new Mirror(name, primary, only);
        SortedMap<String, Mirror> all = new TreeMap<>(list());
        all.put(name, m);
        write(all);
        return m;
    }

    /** Forgets mirror {@code name}: its role and the remote (the mirror's storage is not touched). */
    public void remove(String name) {
        if (!isMirror(name)) {
            throw new NotFoundException("no mirror named '" + name + "'"
                    + (repo.remotes().containsKey(name) ? " ('" + name + "' is a remote: forge remote remove)" : ""));
        }
        new Remotes(repo).remove(name);
    }

    /** Drops the role of a remote that is being removed (called by {@link Remotes#remove}). */
    void forget(String name) {
        SortedMap<String, Mirror> all = new TreeMap<>(read());
        if (all.remove(name) != null) write(all);
    }

    private String defaultPrimary() {
        List<String> primaries = new ArrayList<>();
        SortedMap<String, Mirror> mirrors = read();
        for (String r : repo.remotes().keySet()) if (!mirrors.containsKey(r)) primaries.add(r);
        if (primaries.contains("origin")) return "origin";
        if (primaries.size() == 1) return primaries.getFirst();
        if (primaries.isEmpty()) return null;
        throw new InvalidInputException("which remote should the mirror follow? name it with --of (remotes: "
                + String.join(", ", primaries) + ")");
    }

    private Path file() {
        return repo.forgeDir().resolve(FILE);
    }

    private SortedMap<String, Mirror> read() {
        SortedMap<String, Mirror> out = new TreeMap<>();
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file()));
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new IntegrityException("cannot read " + file() + ": " + firstLine(e.getMessage()));
        }
        if (root == null
                || !root.path("mirrors").isObject()
                || root.path("format").asInt(-1) < 1)
            throw new IntegrityException(file() + " is not a mirrors file (docs/format.md, \"Mirrors\")");
        if (root.path("format").asInt() > FORMAT)
            throw new IntegrityException(
                    file() + " has format " + root.path("format").asInt() + ", newer than this forge understands ("
                            + FORMAT + "): upgrade forge");
        root.path("mirrors").properties().forEach(e -> {
            JsonNode m = e.getValue();
            List<String> only = new ArrayList<>();
            m.path("only").forEach(x -> only.add(x.asText()));
            String of = m.hasNonNull("of") ? m.get("of").asText() : null;
            out.put(e.getKey(), new Mirror(e.getKey(), of, only));
        });
        return out;
    }

    private void write(SortedMap<String, Mirror> all) {
        ObjectNode root = JSON.createObjectNode().put("format", FORMAT);
        ObjectNode ms = root.putObject("mirrors");
        all.forEach((n, m) -> {
            ObjectNode o = ms.putObject(n);
            if (m.of() != null) o.put("of", m.of());
            m.only().forEach(o.putArray("only")::add);
        });
        Path tmp = file().resolveSibling(FILE + ".tmp");
        try {
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            try (FileChannel f = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                f.force(true);
            }
            Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ForgeException("cannot write " + file() + ": " + e.getMessage(), e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
