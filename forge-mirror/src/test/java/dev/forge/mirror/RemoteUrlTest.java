package dev.forge.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.InvalidInputException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RemoteUrlTest {
    private static RemoteUrl parse(String s) {
        return RemoteUrl.parse(s, Path.of("/home/ana/shots"));
    }

    @Test
    void pathsAndFileUrlsAreDirectories() {
        assertEquals(new RemoteUrl.Directory(Path.of("/home/ana/remote")), parse("../remote"));
        assertEquals(new RemoteUrl.Directory(Path.of("/mnt/nas/p")), parse("file:///mnt/nas/p"));
        assertEquals("file:///mnt/nas/p", parse("/mnt/nas/p").text());
    }

    @Test
    void s3AndR2() {
        RemoteUrl.S3 s =
                (RemoteUrl.S3) parse("s3://bucket/a/b?endpoint=http://127.0.0.1:9000&region=eu-west-1&path-style=true");
        assertEquals("bucket", s.bucket());
        assertEquals("a/b/", s.prefix());
        assertEquals("http://127.0.0.1:9000", s.endpoint());
        assertEquals("eu-west-1", s.region());
        assertTrue(s.pathStyle());
        assertFalse(s.isAws());
        RemoteUrl.S3 aws = (RemoteUrl.S3) parse("s3://bucket");
        assertEquals("", aws.prefix());
        assertTrue(aws.isAws());
        RemoteUrl.S3 r2 = (RemoteUrl.S3) parse("r2://0123abcd/films/project-x");
        assertEquals("films", r2.bucket());
        assertEquals("project-x/", r2.prefix());
        assertEquals("https://0123abcd.r2.cloudflarestorage.com", r2.endpoint());
        assertEquals("auto", r2.region());
    }

    @Test
    void refusesCredentialsUnknownSchemesAndOptions() {
        var e = assertThrows(InvalidInputException.class, () -> parse("s3://AKIA:secret@bucket/x"));
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> parse("ftp://host/x"));
        assertThrows(InvalidInputException.class, () -> parse("s3://bucket/x?colour=blue"));
        assertThrows(InvalidInputException.class, () -> parse("s3://bucket/x?endpoint=ftp://h"));
        assertThrows(InvalidInputException.class, () -> parse("r2://account"));
        assertThrows(InvalidInputException.class, () -> parse("file://otherhost/x"));
    }
}
