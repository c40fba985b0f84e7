package dev.forge.cli;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.KeyException;
import dev.forge.core.error.NotARepositoryException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.PartialResultException;
import dev.forge.core.error.RepositoryBusyException;
import dev.forge.core.error.WouldOverwriteException;
import java.util.Locale;

/**
 * Forge's exit codes: stable, documented in README.md, docs/cli.md and {@code forge help exit-codes}.
 * Scripts on render farms depend on them; never renumber, only add.
 */
public enum ExitCode {
    OK(0, "success"),
    FAILURE(1, "the command failed (I/O error, nothing to commit, a hook failed, ...); the message says why"),
    USAGE(2, "usage error: unknown command or option, missing or invalid argument"),
    NOT_A_REPOSITORY(3, "not inside a forge repository"),
    NOT_FOUND(4, "a path, revision or ref that was named does not exist"),
    INTEGRITY(5, "stored data is damaged or inconsistent (fsck found problems, a checksum failed)"),
    WOULD_OVERWRITE(6, "refused: would overwrite or delete uncommitted changes (use --force)"),
    CONFLICT(7, "merge stopped on conflicts, or a commit was refused because conflicts are unresolved"),
    NON_FAST_FORWARD(8, "push/pull refused: histories diverged (pull or merge first)"),
    LOCK_HELD(9, "a file lock held by someone else prevents it (forge lock lost, or a push changes a locked path)"),
    REMOTE_UNREACHABLE(10, "the remote cannot be reached or refused the request (a read-only remote refuses a push)"),
    BUSY(11, "another forge process holds the repository and did not release it in time"),
    PARTIAL(12, "partial result: done what could be, but some paths were skipped, purged or unavailable (listed)"),
    KEY(13, "an encryption key or identity is missing or wrong");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /** The one place where a typed failure becomes an exit code. */
    static ExitCode of(Throwable e) {
        return switch (e) {
            case NotARepositoryException x -> NOT_A_REPOSITORY;
            case NotFoundException x -> NOT_FOUND;
            case IntegrityException x -> INTEGRITY;
            case WouldOverwriteException x -> WOULD_OVERWRITE;
            case dev.forge.core.error.NonFastForwardException x -> NON_FAST_FORWARD;
            case dev.forge.core.error.RemoteUnavailableException x -> REMOTE_UNREACHABLE;
            case dev.forge.core.error.ConflictException x -> CONFLICT;
            case InvalidInputException x -> USAGE;
            case RepositoryBusyException x -> BUSY;
            case PartialResultException x -> PARTIAL;
            case KeyException x -> KEY;
            case dev.forge.core.error.LockHeldException x -> LOCK_HELD;
            case ForgeException x -> FAILURE;
            default -> FAILURE;
        };
    }

    /** The table printed by {@code forge help exit-codes}. */
    public static String table() {
        StringBuilder sb = new StringBuilder("Exit codes:\n");
        for (ExitCode c : values()) sb.append(String.format(Locale.ROOT, "  %2d  %s%n", c.code, c.meaning));
        return sb.toString();
    }
}
