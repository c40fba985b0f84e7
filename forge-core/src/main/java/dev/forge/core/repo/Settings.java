package dev.forge.core.repo;

import dev.forge.core.codec.CompressionPolicy;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.port.RepoConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SequencedMap;

/**
 * A repository's settings by name ({@code forge config}): the one table of keys that docs/cli.md
 * documents. A known key is read, set (its value checked) or unset (back to its default); a key that
 * a later version will use is refused as reserved, any other as unknown, both naming the known keys.
 * Settings live in {@code .forge/config}, written whole and atomically.
 */
public final class Settings {
    /** The keys this version reads and writes, in the order {@link #list()} gives them. */
    public static final List<String> KEYS = List.of(
            "compression",
            "gc.graceDays",
            "user.name",
            "user.email",
            "remote.timeout",
            "remote.maxWait",
            "lock.readOnly",
            "lock.mainline",
            "lock.lockable",
            "remote.NAME.pricePerGiBMonth",
            "remote.NAME.peers",
            "store.maxSize");

    /** The per-remote key: {@code NAME} is the remote's name. */
    public static final String PRICE_KEY = "remote.NAME.pricePerGiBMonth";

    private static final java.util.regex.Pattern PRICE =
            java.util.regex.Pattern.compile("remote\\.([A-Za-z0-9._-]+)\\.pricePerGiBMonth");

    /** The per-remote peers key: {@code NAME} is the remote's name. */
    public static final String PEERS_KEY = "remote.NAME.peers";

    private static final java.util.regex.Pattern PEERS =
            java.util.regex.Pattern.compile("remote\\.([A-Za-z0-9._-]+)\\.peers");

    /** Keys that later versions will use; refused until then. {@code NAME} is any remote's name. */
    public static final List<String> RESERVED = List.of("remote.NAME.*");

    private final Repository repo;

    public Settings(Repository repo) {
        this.repo = repo;
    }

    /** The value of {@code key}: the default when it has one and is not set, else empty when not set. */
    public Optional<String> get(String key) {
        RepoConfig c = repo.config();
        var price = PRICE.matcher(key);
        if (price.matches()) return Optional.ofNullable(c.remotePrices().get(price.group(1)));
        var peers = PEERS.matcher(key);
        if (peers.matches()) return Optional.ofNullable(c.remotePeers().get(peers.group(1)));
        return Optional.ofNullable(
                switch (known(key)) {
                    case "compression" -> c.compression().name().toLowerCase(Locale.ROOT);
                    case "gc.graceDays" -> Integer.toString(c.gcGraceDays());
                    case "user.name" -> c.userName();
                    case "user.email" -> c.userEmail();
                    case "remote.timeout" ->
                        Integer.toString(
                                c.remoteTimeout() != null ? c.remoteTimeout() : RepoConfig.DEFAULT_REMOTE_TIMEOUT);
                    case "remote.maxWait" ->
                        Integer.toString(
                                c.remoteMaxWait() != null ? c.remoteMaxWait() : RepoConfig.DEFAULT_REMOTE_MAX_WAIT);
                    case "lock.readOnly" -> Boolean.toString(Boolean.TRUE.equals(c.lockReadOnly()));
                    case "lock.mainline" ->
                        c.lockMainline() != null ? c.lockMainline() : RepoConfig.DEFAULT_LOCK_MAINLINE;
                    case "lock.lockable" -> c.lockLockable();
                    case "store.maxSize" -> c.storeMaxSize() == null ? null : Long.toString(c.storeMaxSize());
                    default -> throw new IllegalStateException(key);
                });
    }

    /** Sets {@code key} to {@code value}, refusing (exit 2) a value the key does not take. */
    public void set(String key, String value) {
        RepoConfig c = repo.config();
        String v = value.strip();
        var price = PRICE.matcher(key);
        if (price.matches()) {
            repo.saveConfig(c.withRemotePrice(price.group(1), price(key, v)));
            return;
        }
        var peers = PEERS.matcher(key);
        if (peers.matches()) {
            repo.saveConfig(c.withRemotePeers(peers.group(1), urls(key, v)));
            return;
        }
        repo.saveConfig(
                switch (known(key)) {
                    case "compression" -> c.withCompression(compression(v));
                    case "gc.graceDays" -> c.withGcGraceDays(days(v));
                    case "user.name" -> c.withUserName(identityPart(key, v, "Ana Lima"));
                    case "user.email" -> c.withUserEmail(email(v));
                    case "remote.timeout" -> c.withRemoteTimeout(seconds(key, v, 1));
                    case "remote.maxWait" -> c.withRemoteMaxWait(seconds(key, v, 0));
                    case "lock.readOnly" -> c.withLocks(bool(key, v), c.lockMainline(), c.lockLockable());
                    case "lock.mainline" -> c.withLocks(c.lockReadOnly(), list(key, v), c.lockLockable());
                    case "lock.lockable" -> c.withLocks(c.lockReadOnly(), c.lockMainline(), list(key, v));
                    case "store.maxSize" -> c.withStoreMaxSize(size(key, v));
                    default -> throw new IllegalStateException(key);
                });
    }

    /** Removes {@code key}'s value: a key with a default goes back to it. Unsetting what is not set is fine. */
    public void unset(String key) {
        RepoConfig c = repo.config();
        RepoConfig d = RepoConfig.defaults();
        var price = PRICE.matcher(key);
        if (price.matches()) {
            repo.saveConfig(c.withRemotePrice(price.group(1), null));
            return;
        }
        var peers = PEERS.matcher(key);
        if (peers.matches()) {
            repo.saveConfig(c.withRemotePeers(peers.group(1), null));
            return;
        }
        repo.saveConfig(
                switch (known(key)) {
                    case "compression" -> c.withCompression(d.compression());
                    case "gc.graceDays" -> c.withGcGraceDays(d.gcGraceDays());
                    case "user.name" -> c.withUserName(null);
                    case "user.email" -> c.withUserEmail(null);
                    case "remote.timeout" -> c.withRemoteTimeout(null);
                    case "remote.maxWait" -> c.withRemoteMaxWait(null);
                    case "lock.readOnly" -> c.withLocks(null, c.lockMainline(), c.lockLockable());
                    case "lock.mainline" -> c.withLocks(c.lockReadOnly(), null, c.lockLockable());
                    case "lock.lockable" -> c.withLocks(c.lockReadOnly(), c.lockMainline(), null);
                    case "store.maxSize" -> c.withStoreMaxSize(null);
                    default -> throw new IllegalStateException(key);
                });
    }

    /** Every key that has a value (set, or by default), in {@link #KEYS} order. */
    public SequencedMap<String, String> list() {
        SequencedMap<String, String> out = new LinkedHashMap<>();
        for (String k : KEYS) {
            if (k.equals(PRICE_KEY)) {
                repo.config().remotePrices().forEach((name, v) -> out.put("remote." + name + ".pricePerGiBMonth", v));
            } else if (k.equals(PEERS_KEY)) {
                repo.config().remotePeers().forEach((name, v) -> out.put("remote." + name + ".peers", v));
            } else {
                get(k).ifPresent(v -> out.put(k, v));
            }
        }
        return out;
    }

    private static String known(String key) {
        if (KEYS.contains(key)) return key;
        String knownList = " (known: " + String.join(", ", KEYS) + ")";
        if (isReserved(key))
            throw new InvalidInputException(
                    "'" + key + "' is reserved for a later version of forge and cannot be set yet" + knownList);
        throw new InvalidInputException("unknown setting '" + key + "'" + knownList);
    }

    static boolean isReserved(String key) {
        if (key.startsWith("remote.") && key.indexOf('.', "remote.".length()) > "remote.".length()) return true;
        return RESERVED.contains(key);
    }

    /** Comma-separated http(s) URLs (peers' {@code forge serve}), at least one. */
    private static String urls(String key, String v) {
        List<String> out = new java.util.ArrayList<>();
        for (String u : v.split(",")) {
            String t = u.strip();
            if (t.isEmpty()) continue;
            java.net.URI uri;
            try {
                uri = new java.net.URI(t);
            } catch (java.net.URISyntaxException e) {
                uri = null;
            }
            if (uri == null
                    || uri.getHost() == null
                    || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())))
                throw new InvalidInputException(
                        key + " takes comma-separated http(s) URLs of 'forge serve', e.g. http://node2:8765/; got '" + t
                                + "'");
            out.add(t);
        }
        if (out.isEmpty()) throw new InvalidInputException(key + " takes at least one URL");
        return String.join(",", out);
    }

    /**
     * A size as people write it: {@code 500M}, {@code 50G}, {@code 2T}, {@code 1048576} (binary units,
     * an optional {@code B} or {@code iB}: {@code 50GiB} = {@code 50G}). Throws {@link
     * IllegalArgumentException} naming what is wrong.
     */
    public static long parseSize(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (t.endsWith("IB")) t = t.substring(0, t.length() - 2);
        else if (t.endsWith("B")) t = t.substring(0, t.length() - 1);
        int shift = 0;
        if (!t.isEmpty()) {
            int i = "KMGTP".indexOf(t.charAt(t.length() - 1));
            if (i >= 0) {
                shift = 10 * (i + 1);
                t = t.substring(0, t.length() - 1);
            }
        }
        try {
            long n = Long.parseLong(t.strip());
            if (n < 0 || (shift > 0 && n > (Long.MAX_VALUE >> shift))) throw new NumberFormatException();
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 500M, 50G, 2T)");
        }
    }

    private static long size(String key, String v) {
        try {
            return parseSize(v);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(key + ": " + e.getMessage());
        }
    }

    /** A price: a decimal number >= 0 such as {@code 0.023}. */
    private static String price(String key, String v) {
        try {
            if (v.matches("\\d{1,9}(\\.\\d{1,9})?")) return new java.math.BigDecimal(v).toPlainString();
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new InvalidInputException(key + " must be a price per GiB and month such as 0.023, got '" + v + "'");
    }

    private static CompressionPolicy compression(String v) {
        try {
            return CompressionPolicy.parse(v);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }

    private static int days(String v) {
        try {
            int d = Integer.parseInt(v);
            if (d >= 0) return d;
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new InvalidInputException("gc.graceDays must be a whole number of days >= 0, got '" + v + "'");
    }

    private static int seconds(String key, String v, int min) {
        try {
            int s = Integer.parseInt(v);
            if (s >= min && s <= RepoConfig.MAX_REMOTE_SECONDS) return s;
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new InvalidInputException(key + " must be a whole number of seconds from " + min + " to "
                + RepoConfig.MAX_REMOTE_SECONDS + ", got '" + v + "'");
    }

    private static boolean bool(String key, String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new InvalidInputException(key + " must be true or false, got '" + v + "'");
        };
    }

    /** A comma-separated list: items trimmed, empty ones dropped, at least one; no control characters. */
    private static String list(String key, String v) {
        List<String> items = new java.util.ArrayList<>();
        for (String s : v.split(",")) if (!s.isBlank()) items.add(s.strip());
        if (items.isEmpty() || v.chars().anyMatch(Character::isISOControl))
            throw new InvalidInputException(
                    key + " takes a comma-separated list, e.g. 'main,release'; got '" + v + "'");
        return String.join(",", items);
    }

    private static String email(String v) {
        String e = identityPart("user.email", v, "ana@studio.example");
        if (e.chars().anyMatch(Character::isWhitespace))
            throw new InvalidInputException("user.email must not contain spaces, got '" + v + "'");
        return e;
    }

    /** A name or address that fits in {@code Name <mail>}: not empty, no angle brackets, no control characters. */
    private static String identityPart(String key, String v, String example) {
        if (v.isEmpty())
            throw new InvalidInputException(key + " must not be empty (forge config --unset " + key + " removes it)");
        if (v.indexOf('<') >= 0 || v.indexOf('>') >= 0 || v.chars().anyMatch(Character::isISOControl))
            throw new InvalidInputException(
                    key + " must be plain text on one line, without '<' or '>' (e.g. " + example + ")");
        return v;
    }
}
