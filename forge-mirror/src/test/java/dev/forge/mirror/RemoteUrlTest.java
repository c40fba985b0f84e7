package dev.forge.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.InvalidInputException;
import java.nio.file.Path;
import java.util.List;
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
    void refusesCredentialsInEveryFormWithoutRepeatingThem() {
        for (String url : List.of(
                "s3://AKIAXYZ:SeCrEtVaLuE@bucket/x",
                "s3://AKIAXYZ:SeCrEt/VaLuE@bucket/x", // a '/' in the secret ends a URI's user info early
                "s3://SeCrEtVaLuE@bucket/x",
                "s3://bucket/x?endpoint=http://AKIAXYZ:SeCrEtVaLuE@127.0.0.1:9000",
                "s3://bucket/x?endpoint=http%3A%2F%2FAKIAXYZ%3ASeCrEtVaLuE%40127.0.0.1%3A9000",
                "s3://bucket/x?secret_key=SeCrEtVaLuE",
                "s3://bucket/x?access_key=AKIAXYZ&secret_key=SeCrEtVaLuE",
                "s3://bucket/x?aws_secret_access_key=SeCrEtVaLuE&region=eu",
                "s3://bucket/x?session-token=SeCrEtVaLuE",
                "r2://AKIAXYZ:SeCrEtVaLuE@account/bucket",
                "file://AKIAXYZ:SeCrEtVaLuE@localhost/x",
                "ftp://AKIAXYZ:SeCrEtVaLuE@host/x")) {
            var e = assertThrows(InvalidInputException.class, () -> parse(url), url);
            assertFalse(e.getMessage().contains("SeCrEt"), e.getMessage());
            assertFalse(e.getMessage().contains("AKIAXYZ"), e.getMessage());
            assertTrue(e.getMessage().contains("must not contain credentials"), e.getMessage());
            assertTrue(e.getMessage().contains("FORGE_S3_SECRET_ACCESS_KEY"), e.getMessage());
            assertTrue(RemoteUrl.hasCredentials(url), url);
        }
        assertFalse(RemoteUrl.hasCredentials("s3://bucket/x?endpoint=http://127.0.0.1:9000&region=eu&path-style=true"));
        assertFalse(RemoteUrl.hasCredentials("file:///home/ana@studio/remote"));
        assertEquals(
                new RemoteUrl.Directory(Path.of("/home/ana@studio/remote")), parse("file:///home/ana@studio/remote"));
    }

    @Test
    void redactionHidesUserInfoAndSecretOptionsAnywhereInText() {
        assertEquals("s3://***@bucket/x", RemoteUrl.redact("s3://AKIA:pw@bucket/x"));
        assertEquals("s3://***@bucket/x", RemoteUrl.redact("s3://AKIA:p/w@bucket/x"));
        assertEquals(
                "cannot read config in 's3://b/x?endpoint=http://***@h:9000&region=eu': no",
                RemoteUrl.redact("cannot read config in 's3://b/x?endpoint=http://AKIA:pw@h:9000&region=eu': no"));
        assertEquals(
                "s3://b/x?endpoint=http%3A%2F%2F***%40h",
                RemoteUrl.redact("s3://b/x?endpoint=http%3A%2F%2FAKIA%3Apw%40h"));
        assertEquals(
                "s3://b/x?access_key=***&secret_key=***&region=eu",
                RemoteUrl.redact("s3://b/x?access_key=AKIA&secret_key=pw&region=eu"));
        assertEquals(
                "https://h/o?X-Amz-Credential=***&X-Amz-Signature=***",
                RemoteUrl.redact("https://h/o?X-Amz-Credential=AKIA%2F2025&X-Amz-Signature=abc"));
        String clean = "cannot write packs/a.pack in s3://b/x/ at http://127.0.0.1:9000: no answer within 10 s";
        assertEquals(clean, RemoteUrl.redact(clean));
        assertEquals("file:///home/ana@studio/x", RemoteUrl.redact("file:///home/ana@studio/x"));
    }

    @Test
    void refusesUnknownSchemesAndOptions() {
        assertThrows(InvalidInputException.class, () -> parse("ftp://host/x"));
        assertThrows(InvalidInputException.class, () -> parse("s3://bucket/x?colour=blue"));
        assertThrows(InvalidInputException.class, () -> parse("s3://bucket/x?endpoint=ftp://h"));
        assertThrows(InvalidInputException.class, () -> parse("r2://account"));
        assertThrows(InvalidInputException.class, () -> parse("file://otherhost/x"));
    }
}
