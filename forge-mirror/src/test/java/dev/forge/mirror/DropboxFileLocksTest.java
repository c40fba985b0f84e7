package dev.forge.mirror;

import dev.forge.mirror.dropbox.FakeDropbox;
import dev.forge.mirror.dropbox.FakeDropboxes;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link FileLocks} on {@link FakeDropbox}: locks are files created with mode {@code add} and let go or
 * taken over with mode {@code update: REV}, both with {@code strict_conflict}.
 */
class DropboxFileLocksTest extends FileLocksContract {
    @RegisterExtension
    static final FakeDropboxes DROPBOX = new FakeDropboxes();

    @Override
    protected String newRemoteUrl() {
        return DROPBOX.newUrl();
    }
}
