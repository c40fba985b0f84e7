package dev.forge.mirror.dropbox;

import dev.forge.mirror.RemoteProtocolContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The push/fetch/pull/clone protocol against {@link FakeDropbox}, one fake Dropbox per remote. The fake
 * takes requests without a token here: the remote factory reads the token from the environment, which a
 * test JVM cannot set (DropboxBlobStoreTest checks tokens).
 */
class DropboxRemoteTest extends RemoteProtocolContract {
    @RegisterExtension
    static final FakeDropboxes DROPBOX = new FakeDropboxes();

    @Override
    protected String newRemoteUrl() {
        return DROPBOX.newUrl();
    }
}
