package dev.forge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.core.port.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * What a command prints, held by the command (from {@code CommonOptions.output}): its result as text
 * or, with {@code --json}, as one JSON document on stdout; informational messages, which {@code -q}
 * silences; warnings and errors on stderr, one line each starting with {@code forge: } (an error is a
 * JSON line under {@code --json}); and a progress bar, only on a terminal and never with {@code -q} or
 * {@code --json}. Numbers are formatted the same in every locale.
 */
public final class Output {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private final boolean quiet;

    public Output(PrintWriter out, PrintWriter err, boolean json, boolean quiet) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.quiet = quiet;
    }

    /** True when the result is to be printed as JSON. */
    public boolean json() {
        return json;
    }

    /** stderr, for messages that are neither results nor errors (retry notices). */
    public java.io.PrintWriter err() {
        return err;
    }

    public boolean quiet() {
        return quiet;
    }

    /** Prints the result as one JSON document (also with {@code -q}). */
    public void json(JsonNode node) {
        out.println(Json.pretty(node));
        out.flush();
    }

    /** A line of the result the command was asked for (a listing, a value): printed also with {@code -q}. */
    public void println(String line) {
        out.println(line);
        out.flush();
    }

    /** An empty line of the result. */
    public void println() {
        println("");
    }

    /** {@link #println} formatted. */
    public void printf(String format, Object... args) {
        out.print(String.format(Locale.ROOT, format, args));
        out.flush();
    }

    /** A message saying what the command did ("Created branch x"): not printed with {@code -q}. */
    public void info(String format, Object... args) {
        if (quiet) return;
        printf(format, args);
    }

    /** A warning on stderr ({@code forge: MESSAGE}), printed also with {@code -q}. */
    public void warn(String message) {
        // Warnings name paths and refs: no control character in them reaches the terminal raw.
        err.println("forge: " + dev.forge.core.model.PathText.sanitize(message));
        err.flush();
    }

    /**
     * The error that ends the command: {@code forge: MESSAGE} on stderr, or under {@code --json} the
     * line {@code {"error": MESSAGE, "exitCode": CODE}}.
     */
    public void error(String message, int exitCode) {
        if (json) err.println(Json.line(Json.object().put("error", message).put("exitCode", exitCode)));
        else err.println("forge: " + message);
        err.flush();
    }

    /** A progress bar on stderr where one belongs, else a listener that does nothing. */
    public ProgressListener progress() {
        return json || quiet ? ProgressListener.NONE : Terminal.progress();
    }
}
