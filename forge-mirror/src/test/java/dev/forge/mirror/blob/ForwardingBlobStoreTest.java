package dev.forge.mirror.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.forge.core.port.BlobStore;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link ForwardingBlobStore} hands every method of the port, with its arguments, to the inner store
 * and returns what it returned; a method added to {@link BlobStore} later (even with a default body)
 * fails this test until it is forwarded too. Except the three whose default bodies are made of the
 * decorator's own {@code put} and {@code get}, and {@code draft} (none by default), ({@link
 * #THROUGH_OWN_METHODS}): forwarding them would let a decorator that transforms names or bytes
 * (encryption) be bypassed, so each decorator that does not transform forwards them itself (metering,
 * retrying, listing).
 */
class ForwardingBlobStoreTest {
    private static Object sample(Class<?> type) {
        if (type == String.class) return "refs/heads/main";
        if (type == byte[].class) return new byte[] {1, 2, 3};
        if (type == Path.class) return Path.of("some/file");
        if (type == long.class) return 7L;
        if (type == int.class) return 5;
        throw new AssertionError("no sample for " + type);
    }

    private static Object result(Class<?> type) {
        if (type == void.class) return null;
        if (type == boolean.class) return true;
        if (type == byte[].class) return new byte[] {9};
        if (type == String.class) return "inner";
        if (type == Optional.class) return Optional.of("x");
        if (type == List.class) return List.of();
        throw new AssertionError("no result for " + type);
    }

    static final java.util.Set<String> THROUGH_OWN_METHODS =
            java.util.Set.of("putResuming", "readInto", "getInto", "draft");

    @Test
    void resumableTransfersGoThroughTheDecoratorsOwnPutAndGet() throws Exception {
        for (String name : THROUGH_OWN_METHODS) {
            for (Method m : ForwardingBlobStore.class.getMethods()) {
                if (m.getName().equals(name))
                    assertEquals(BlobStore.class, m.getDeclaringClass(), name + " must keep the port's default body");
            }
        }
        List<String> calls = new ArrayList<>();
        BlobStore inner = (BlobStore) Proxy.newProxyInstance(
                BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class}, (proxy, m, args) -> {
                    calls.add(m.getName());
                    return null;
                });
        new ForwardingBlobStore(inner) {}.putResuming("packs/a.pack", Path.of("a.pack"));
        assertEquals(List.of("put"), calls, "putResuming goes through put, which a decorator may transform");
    }

    @Test
    void forwardsEveryMethodWithItsArgumentsAndResult() throws Exception {
        List<String> calls = new ArrayList<>();
        List<Object> returned = new ArrayList<>();
        BlobStore inner = (BlobStore) Proxy.newProxyInstance(
                BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class}, (proxy, m, args) -> {
                    calls.add(m.getName() + Arrays.asList(args == null ? new Object[0] : args));
                    Object r = result(m.getReturnType());
                    returned.add(r);
                    return r;
                });
        BlobStore forwarding = new ForwardingBlobStore(inner) {};
        int n = 0;
        int skipped = 0;
        for (Method m : BlobStore.class.getMethods()) {
            if (java.lang.reflect.Modifier.isStatic(m.getModifiers()) || THROUGH_OWN_METHODS.contains(m.getName())) {
                skipped++;
                continue;
            }
            Object[] args = new Object[m.getParameterCount()];
            for (int i = 0; i < args.length; i++) args[i] = sample(m.getParameterTypes()[i]);
            Object got = m.invoke(forwarding, args);
            assertEquals(m.getName() + Arrays.asList(args), calls.get(n), "forwarded " + m);
            Object expected = returned.get(n);
            if (expected instanceof byte[] b) assertArrayEquals(b, (byte[]) got);
            else if (expected != null && !(expected instanceof Boolean)) assertSame(expected, got, m.toString());
            n++;
        }
        assertEquals(BlobStore.class.getMethods().length, n + skipped);
    }
}
