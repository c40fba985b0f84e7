package dev.forge.core.concurrent;

import dev.forge.core.error.ForgeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Forge's one way to spread work over cores: a few platform threads, each owning its state (buffers,
 * hasher, codec context, pack writer: shared nothing), pulling item indexes from one counter so they
 * finish together. The first failure stops the hand-out and is rethrown in the caller's thread after
 * every thread ended and every state was closed.
 */
public final class Workers {
    private Workers() {}

    /** One item of work on a thread's own state. */
    @FunctionalInterface
    public interface Task<S> {
        void run(S state, int index) throws Exception;
    }

    /** A thread's state; closed when the thread is done. */
    public interface State extends AutoCloseable {
        @Override
        void close();
    }

    /** No per-thread state. */
    public static final State NONE = () -> {};

    /** The default thread count: {@code FORGE_THREADS} or one per core. */
    public static int defaultThreads() {
        String v = System.getenv("FORGE_THREADS");
        if (v != null) {
            try {
                return Math.max(1, Integer.parseInt(v.trim()));
            } catch (NumberFormatException ignored) {
                // fall back to the core count
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** Runs {@code task} for every index in {@code [0, count)} on up to {@code threads} threads. */
    public static <S extends State> void run(String name, int threads, int count, Supplier<S> newState, Task<S> task) {
        if (count == 0) return;
        int n = Math.max(1, Math.min(threads, count));
        if (n == 1) {
            // One thread's work (one file, or FORGE_THREADS=1) runs on the caller's: starting a thread
            // to wait for it costs a thread start and a hand-over, tens of milliseconds on a busy machine.
            runHere(count, newState, task);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> started = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
            started.add(Thread.ofPlatform().name(name + "-" + t).start(() -> {
                try (S state = newState.get()) {
                    for (int i; failure.get() == null && (i = next.getAndIncrement()) < count; ) task.run(state, i);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread th : started) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.compareAndSet(null, new ForgeException("interrupted"));
            }
        }
        rethrow(failure.get());
    }

    private static <S extends State> void runHere(int count, Supplier<S> newState, Task<S> task) {
        try (S state = newState.get()) {
            for (int i = 0; i < count; i++) task.run(state, i);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            rethrow(e);
        }
    }

    private static void rethrow(Throwable f) {
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error err) throw err;
        if (f != null) throw new ForgeException(String.valueOf(f.getMessage()), f);
    }
}
