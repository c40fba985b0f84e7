package dev.forge.mirror.auth;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Secret Service for a test: a private D-Bus session bus and an unlocked GNOME Keyring on it
 * (Debian packages dbus, gnome-keyring, libsecret-tools; the test is skipped without them). {@link #env}
 * is the environment a process needs to use it.
 */
final class SecretService implements AutoCloseable {
    private final Process bus;
    private final Map<String, String> env;
    private final String controlArg;

    private SecretService(Process bus, Map<String, String> env, String controlArg) {
        this.bus = bus;
        this.env = env;
        this.controlArg = controlArg;
    }

    static boolean onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":"))
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) return true;
        return false;
    }

    static SecretService start(Path home) throws Exception {
        assumeTrue(
                onPath("dbus-daemon") && onPath("gnome-keyring-daemon") && onPath("secret-tool"),
                "needs the Debian packages dbus, gnome-keyring and libsecret-tools");
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", home.toString());
        env.put("XDG_RUNTIME_DIR", Files.createDirectories(home.resolve("run")).toString());
        ProcessBuilder pb = new ProcessBuilder("dbus-daemon", "--session", "--nofork", "--print-address=1");
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process bus = pb.start();
        String address =
                new BufferedReader(new InputStreamReader(bus.getInputStream(), StandardCharsets.UTF_8)).readLine();
        env.put("DBUS_SESSION_BUS_ADDRESS", address.strip());
        // A control directory of this test's own names its daemon among those of other test JVMs.
        String controlArg = "--control-directory=" + home.resolve("run").resolve("keyring");
        ProcessBuilder kr = new ProcessBuilder("gnome-keyring-daemon", "--unlock", "--components=secrets", controlArg);
        kr.environment().putAll(env);
        kr.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process daemon = kr.start();
        daemon.getOutputStream().write("test-password".getBytes(StandardCharsets.UTF_8));
        daemon.getOutputStream().close();
        daemon.getInputStream().readAllBytes();
        if (!daemon.waitFor(20, TimeUnit.SECONDS)) throw new IllegalStateException("gnome-keyring-daemon hangs");
        return new SecretService(bus, env, controlArg);
    }

    /** A copy of the environment that reaches this keyring. */
    Map<String, String> env() {
        return new HashMap<>(env);
    }

    @Override
    public void close() {
        // gnome-keyring-daemon forks away from its starter: end the one started for this bus (only
        // it: another test JVM may run its own), and wait for both to exit, so that neither writes
        // into the test's folder while JUnit deletes it.
        List<ProcessHandle> daemons = ProcessHandle.allProcesses()
                .filter(h -> h.info().command().orElse("").endsWith("gnome-keyring-daemon"))
                .filter(h -> h.info()
                        .arguments()
                        .map(a -> List.of(a).contains(controlArg))
                        .orElse(false))
                .toList();
        daemons.forEach(ProcessHandle::destroy);
        bus.destroy();
        try {
            for (ProcessHandle d : daemons) d.onExit().get(10, TimeUnit.SECONDS);
            bus.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            daemons.forEach(ProcessHandle::destroyForcibly);
            bus.destroyForcibly();
        }
    }
}
