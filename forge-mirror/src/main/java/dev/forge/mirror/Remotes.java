package dev.forge.mirror;

import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.model.RefNames;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Transaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SortedMap;
import java.util.stream.Stream;

/** The repository's configured remotes: {@code forge remote add|remove|list}, and opening one by name. */
public final class Remotes {
    private final Repository repo;

    public Remotes(Repository repo) {
        this.repo = repo;
    }

    /** The remotes and their stored URLs (print them through {@link RemoteUrl#redact}). */
    public SortedMap<String, String> list() {
        return repo.remotes();
    }

    /** Adds remote {@code name}; a relative path is made absolute against {@code cwd}. Returns the stored URL. */
    public String add(String name, String url, Path cwd) {
        if (!RefNames.isValidShortName(name) || name.contains("/")) {
            throw new InvalidInputException(
                    "'" + name + "' is not a valid remote name (letters, digits, '.', '_', '-')");
        }
        if (list().containsKey(name)) {
            throw new InvalidInputException("remote '" + name + "' exists already ("
                    + RemoteUrl.redact(list().get(name)) + "); remove it first");
        }
        String text = RemoteUrl.parse(url, cwd).text();
        repo.begin("remote add " + name + " " + text).setRemote(name, text).commit();
        return text;
    }

    /**
     * Adds remote {@code name} to be encrypted ({@code forge remote add --encrypt}): its first push creates the
     * repository key and wraps it to the user's identity, {@code recipients} and, when {@code passphrase}, to
     * FORGE_PASSPHRASE. A remote that is already encrypted needs no flag: its key is opened on first use.
     */
    public String addEncrypted(
            String name, String url, Path cwd, java.util.List<String> recipients, boolean passphrase) {
        for (String r : recipients) dev.forge.mirror.age.X25519Recipient.parse(r);
        String text = add(name, url, cwd);
        dev.forge.mirror.crypt.RemoteKeys.writeRequest(
                repo.forgeDir().resolve("remotes").resolve(name),
                new dev.forge.mirror.crypt.RemoteKeys.Request(recipients, passphrase));
        return text;
    }

    /** Removes remote {@code name}, its remote-tracking refs and its local cache. */
    public void remove(String name) {
        if (!list().containsKey(name)) throw new NotFoundException("no remote named '" + name + "'");
        Transaction tx = repo.begin("remote remove " + name).deleteRemote(name);
        for (String ref : repo.refs(RefNames.REMOTES + name + "/").keySet()) tx.deleteRef(ref);
        tx.commit();
        new Mirrors(repo).forget(name);
        Path state = repo.forgeDir().resolve("remotes").resolve(name);
        if (Files.exists(state)) {
            try (Stream<Path> s = Files.walk(state)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a stale cache is harmless: it is checked against the remote before use
            }
        }
    }

    /** Opens remote {@code name} (default {@code origin}) with the default options. */
    public Remote open(String name, int parallelism) {
        return open(name, RemoteOptions.defaults().withParallelism(parallelism));
    }

    /** Opens remote {@code name} (default {@code origin}). */
    public Remote open(String name, RemoteOptions options) {
        String url = list().get(name);
        if (url == null) {
            throw new NotFoundException("no remote named '" + name + "'"
                    + (list().isEmpty()
                            ? "; add one with 'forge remote add " + name + " URL'"
                            : " (remotes: " + String.join(", ", list().keySet()) + ")"));
        }
        if (RemoteUrl.hasCredentials(url)) {
            // Stored by an older forge, which took credentials in URLs; they are never used or shown.
            throw new InvalidInputException("remote '" + name + "' has credentials in its stored URL ("
                    + RemoteUrl.redact(url) + "), which forge no longer uses: run 'forge remote remove " + name
                    + "', then 'forge remote add " + name + " URL' without them, and " + RemoteUrl.CREDENTIALS_HINT);
        }
        return Remote.open(name, RemoteUrl.parse(url, repo.root()), repo.forgeDir(), options);
    }
}
