package dev.forge.mirror;

import dev.forge.mirror.gdrive.FakeDrive;
import dev.forge.mirror.gdrive.FakeDrives;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link FileLocks} on {@link FakeDrive}: locks are entries of the state chain, changed by its compare-and-swap. */
class GDriveFileLocksTest extends FileLocksContract {
    @RegisterExtension
    static final FakeDrives DRIVE = new FakeDrives();

    @Override
    protected String newRemoteUrl() {
        return DRIVE.newUrl();
    }
}
