package dev.forge.cli.commands;

import dev.forge.cli.Output;
import dev.forge.core.error.ForgeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Hooks: executables in {@code .forge/hooks/} that forge runs around a command, as git does
 * ({@code pre-commit}, {@code pre-push}, {@code post-checkout}; docs/cli.md, "Hooks"). A hook runs in
 * the work tree's root with the arguments and standard input git gives its hook of that name; its
 * output goes to stderr. A hook that exits non-zero stops the command (exit 1). A hook runs while
 * forge holds no lock on the repository, so it may run forge itself.
 */
final class Hooks {
    static final String PRE_COMMIT = "pre-commit";
    static final String PRE_PUSH = "pre-push";
    static final String POST_CHECKOUT = "post-checkout";

    private Hooks() {}

    /** The repository root above {@code cwd} (the folder holding {@code .forge}), if any. */
    static Optional<Path> root(Path cwd) {
        for (Path p = cwd.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(".forge"))) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** The hook {@code name} of the repository at {@code root}, when it exists and is executable. */
    static Optional<Path> find(Path root, String name) {
        Path hook = root.resolve(".forge").resolve("hooks").resolve(name);
        return Files.isRegularFile(hook) && Files.isExecutable(hook) ? Optional.of(hook) : Optional.empty();
    }

    /**
     * Runs hook {@code name} if there is one; its output (stdout and stderr) is copied to forge's
     * stderr. Throws {@link ForgeException} (exit 1) when it exits non-zero, saying what was stopped.
     */
    static void run(Path root, String name, List<String> args, String stdin, Output out, String stopped) {
        Optional<Path> hook = find(root, name);
        if (hook.isEmpty()) return;
        List<String> cmd = new ArrayList<>();
        cmd.add(hook.get().toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true);
        pb.environment().put("FORGE_HOOK", name);
        int code;
        byte[] output;
        try {
            Process p = pb.start();
            Thread feeder = Thread.ofVirtual().start(() -> {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the hook did not read its input: that is its business
                }
            });
            try (InputStream o = p.getInputStream()) {
                output = o.readAllBytes();
            }
            code = p.waitFor();
            feeder.join();
        } catch (IOException e) {
            throw new ForgeException("cannot run the " + name + " hook " + hook.get() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ForgeException("interrupted while running the " + name + " hook");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (!text.isEmpty()) {
            out.err().print(text.endsWith("\n") ? text : text + "\n");
            out.err().flush();
        }
        if (code != 0) {
            throw new ForgeException("the " + name + " hook (" + hook.get() + ") exited with " + code + "; " + stopped);
        }
    }
}
