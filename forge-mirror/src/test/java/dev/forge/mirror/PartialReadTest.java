package dev.forge.mirror;

import static dev.forge.mirror.RemoteProtocolContract.addRemote;
import static dev.forge.mirror.RemoteProtocolContract.commit;
import static dev.forge.mirror.RemoteProtocolContract.init;
import static dev.forge.mirror.RemoteProtocolContract.push;
import static dev.forge.mirror.RemoteProtocolContract.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.port.BlobStore;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.blob.ForwardingBlobStore;
import dev.forge.mirror.format.PackIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ranged read that an interrupted fetch left half done in {@code incoming/} is continued (only the
 * rest is read) and verified; one whose bytes are wrong is read again whole; partial files go once
 * their objects are stored.
 */
class PartialReadTest {
    @TempDir
    Path tmp;

    /** A folder remote holding one commit of a 3 MiB random file; its URL. */
    private String pushedRemote(long seed) throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Files.write(a.resolve("big.bin"), random(seed, 3 << 20));
        String url = tmp.resolve("remote").toString();
        try (Repository repo = init(a)) {
            commit(repo, "v1");
            addRemote(repo, url);
            push(repo, "main");
        }
        return url;
    }

    /** Every object of every pack on the remote. */
    private static List<RemoteIndex.Location> everything(Remote remote) {
        List<RemoteIndex.Location> all = new ArrayList<>();
        for (PackIndex p : remote.indexCache().sync().index().packs())
            for (int i = 0; i < p.size(); i++) all.add(new RemoteIndex.Location(p.packId(), p.entry(i)));
        return all;
    }

    @Test
    void aPartialReadIsContinuedAndOneThatDoesNotVerifyIsReadAgain() throws Exception {
        String url = pushedRemote(3);
        for (boolean damaged : List.of(false, true)) {
            try (Repository c = init(Files.createDirectories(tmp.resolve("c" + damaged)));
                    Remote remote = Remote.open("origin", url, c.forgeDir(), 2)) {
                List<RemoteIndex.Location> all = everything(remote);
                List<RangeReader.Request> plan = RangeReader.plan(all);
                RangeReader.Request big = plan.stream()
                        .max(Comparator.comparingInt(RangeReader.Request::length))
                        .orElseThrow();
                assertTrue(big.length() >= RangeReader.PARTIAL_MIN);
                Path incoming = remote.stateDir().resolve(Fetch.INCOMING);
                Files.createDirectories(incoming);
                Path partial = incoming.resolve(big.packId() + "." + big.offset() + ".part");
                byte[] span = remote.blobs().get("packs/" + big.packId() + ".pack", big.offset(), big.length());
                byte[] half = Arrays.copyOf(span, span.length / 2);
                if (damaged) half[half.length / 3] ^= 1;
                Files.write(partial, half);

                long before = remote.meter().bytesReceived();
                // A folder remote is local, so its reads are never staged; as a store across a network.
                BlobStore network = new ForwardingBlobStore(remote.blobs()) {
                    @Override
                    public boolean local() {
                        return false;
                    }
                };
                RangeReader reader = new RangeReader(network, c.objectStore(), 2, incoming);
                reader.run(plan, ProgressListener.NONE);
                assertEquals(1, reader.resumed());
                assertEquals(half.length, reader.bytesResumed());
                for (RemoteIndex.Location l : all)
                    assertTrue(c.objectStore().containsIntact(l.entry().id()));
                assertFalse(Files.exists(partial), "gone once its objects are stored");
                long read = remote.meter().bytesReceived() - before;
                long spans = RangeReader.bytes(plan);
                if (damaged) assertEquals(spans - half.length + span.length, read, "the damaged span read again whole");
                else assertEquals(spans - half.length, read, "only the rest was read");
            }
        }
    }

    @Test
    void aLocalStoreIsReadStraightIntoMemory() throws Exception {
        String url = pushedRemote(4);
        try (Repository c = init(Files.createDirectories(tmp.resolve("c")));
                Remote remote = Remote.open("origin", url, c.forgeDir(), 2)) {
            assertTrue(remote.blobs().local());
            List<RemoteIndex.Location> all = everything(remote);
            List<RangeReader.Request> plan = RangeReader.plan(all);
            assertTrue(plan.stream().anyMatch(r -> r.length() >= RangeReader.PARTIAL_MIN));
            Path incoming = remote.stateDir().resolve(Fetch.INCOMING);
            long before = remote.meter().bytesReceived();
            RangeReader reader = new RangeReader(remote.blobs(), c.objectStore(), 2, incoming);
            reader.run(plan, ProgressListener.NONE);
            for (RemoteIndex.Location l : all)
                assertTrue(c.objectStore().containsIntact(l.entry().id()));
            assertFalse(Files.exists(incoming), "a folder remote's reads were staged in " + incoming);
            assertEquals(RangeReader.bytes(plan), remote.meter().bytesReceived() - before, "every byte read once");
            assertEquals(0, reader.resumed());
        }
    }
}
