package dev.forge.mirror;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.chunk.ChunkerParams;
import dev.forge.mirror.blob.FileBlobStore;
import dev.forge.mirror.crypt.EncryptingBlobStore;
import dev.forge.mirror.crypt.KeySource;
import dev.forge.mirror.crypt.RemoteKeys;
import dev.forge.mirror.crypt.RepositoryKey;
import dev.forge.mirror.format.RemoteConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link FileLocks} on an encrypted folder remote: the whole lock contract through the encrypting store, and the
 * stored lock blobs name no path, holder or message.
 */
class EncryptedFolderFileLocksTest extends FileLocksContract {
    private Path remoteDir;
    private KeySource keys;

    @Override
    protected String newRemoteUrl() {
        return tmp.resolve("remote").toString();
    }

    @Override
    protected Remote client(String name) throws Exception {
        if (remoteDir == null) {
            remoteDir = Path.of(newRemoteUrl());
            keys = new KeySource(null, Map.of(), tmp.resolve("config"), s -> {});
            RepositoryKey rk = RepositoryKey.generate();
            try (FileBlobStore raw = new FileBlobStore(remoteDir)) {
                EncryptingBlobStore enc = new EncryptingBlobStore(raw, rk);
                RemoteKeys.initRemote(raw, enc, rk, List.of(keys.userIdentity().recipient()), Optional.empty());
                raw.put(
                        RemoteConfig.BLOB,
                        RemoteConfig.of(ChunkerParams.DEFAULT)
                                .withEncryption(
                                        new RemoteConfig.Encryption(RemoteConfig.Encryption.SCHEME, 1, rk.keyId()))
                                .encode());
            }
        }
        Path forgeDir = Files.createDirectories(tmp.resolve(name).resolve(".forge"));
        return Remote.open(
                "origin",
                RemoteUrl.parse(remoteDir.toString(), tmp),
                forgeDir,
                RemoteOptions.defaults().withParallelism(4).withKeys(keys, false));
    }

    @Test
    void storedLocksNameNoPathHolderOrMessage() throws Exception {
        try (Remote a = client("a")) {
            assertTrue(a.encrypted());
            new FileLocks(a).lock("art/hero-secret.psd", ANA, "main", "repainting the sky");
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(remoteDir)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        assertFalse(files.stream().anyMatch(p -> p.toString().contains("locks/files")), files::toString);
        for (Path f : files) {
            String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            for (String secret : List.of("hero-secret", "ana@studio", "repainting"))
                assertFalse(text.contains(secret) && !f.endsWith("config"), f + " holds " + secret);
        }
    }
}
