package dev.forge.mirror;

import dev.forge.core.error.ForgeException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for parallel transfers: the first failure is rethrown as it was (typed), the rest cancelled. */
final class Parallel {
    private Parallel() {}

    static void awaitAll(List<? extends Future<?>> futures) {
        RuntimeException first = null;
        for (Future<?> f : futures) {
            try {
                if (first == null) f.get();
                else f.cancel(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                first = new ForgeException("interrupted");
            } catch (ExecutionException e) {
                first = unwrap(e.getCause());
            }
        }
        if (first != null) throw first;
    }

    static RuntimeException unwrap(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        if (t instanceof java.io.IOException io) return new ForgeException("I/O error: " + io.getMessage(), io);
        return new ForgeException(String.valueOf(t), t);
    }
}
