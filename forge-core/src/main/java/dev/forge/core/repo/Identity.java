package dev.forge.core.repo;

import dev.forge.core.port.RepoConfig;
import java.util.Map;

/**
 * Who a new commit is by, as {@code Name <mail>}: {@code FORGE_AUTHOR} from the environment when set;
 * else {@code user.name} and {@code user.email} from the repository's settings, each falling back on
 * the login name and {@code LOGIN@HOSTNAME}; else those two alone. An {@code --author} given to a
 * command comes before all of them (the command's business).
 */
public final class Identity {
    private Identity() {}

    /** The author of a commit made now in {@code repo}, by this process. */
    public static String author(Repository repo) {
        return author(System.getenv(), repo.config(), System.getProperty("user.name", "forge"));
    }

    static String author(Map<String, String> env, RepoConfig config, String login) {
        String fromEnv = env.get("FORGE_AUTHOR");
        if (fromEnv != null && !fromEnv.isBlank()) return fromEnv.trim();
        String name = config.userName() != null ? config.userName() : login;
        // No DNS lookup of the host name: it can stall for seconds on a render node without a resolver.
        String email = config.userEmail() != null
                ? config.userEmail()
                : login + "@" + env.getOrDefault("HOSTNAME", "localhost");
        return name + " <" + email + ">";
    }
}
