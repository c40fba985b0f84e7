package dev.forge.mirror.gdrive;

import dev.forge.mirror.RemoteProtocolContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The push/fetch/pull/clone protocol against {@link FakeDrive}, one fake Drive per remote. The fake takes
 * requests without a token here: the remote factory reads the token from the environment, which a test
 * JVM cannot set (GDriveBlobStoreTest checks tokens).
 */
class GDriveRemoteTest extends RemoteProtocolContract {
    @RegisterExtension
    static final FakeDrives DRIVE = new FakeDrives();

    @Override
    protected String newRemoteUrl() {
        return DRIVE.newUrl();
    }
}
