package dev.forge.mirror;

/** {@link FileLocks} on a folder remote. */
class FolderFileLocksTest extends FileLocksContract {
    private int n;

    @Override
    protected String newRemoteUrl() {
        return tmp.resolve("remote-" + n++).toString();
    }
}
