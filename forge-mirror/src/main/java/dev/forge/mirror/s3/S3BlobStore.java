package dev.forge.mirror.s3;

import dev.forge.core.chunk.ChunkerParams;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.RemoteUrl;
import dev.forge.mirror.TestHooks;
import dev.forge.mirror.blob.BlobNames;
import dev.forge.mirror.blob.RetryAfter;
import dev.forge.mirror.blob.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ListPartsRequest;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * A blob store in an S3 bucket under a key prefix: AWS S3, Cloudflare R2, or any S3-compatible
 * server. How it meets the {@link BlobStore} guarantees:
 *
 * <ul>
 *   <li>puts are single PUTs (atomic on S3) up to {@link #multipartThreshold}; larger files go as one
 *       multipart upload (resumed by {@link #putResuming} after an interruption) of equal-sized parts (R2 requires all parts but the last to be the same
 *       size; S3 allows 5 MiB to 5 GiB per part and 10,000 parts), completed atomically, and aborted
 *       on failure so no orphan parts are billed;
 *   <li>{@link #putIfAbsent} is {@code PUT If-None-Match: *} (412: it exists) and {@link
 *       #replaceIfUnchanged} is {@code PUT If-Match: <ETag>} (412, or 404 for a deleted key: someone
 *       else moved it). A 409 (a concurrent conditional write in progress) is a retryable failure;
 *   <li>S3 and R2 are strongly consistent (read-after-write, list-after-write);
 *   <li>the SDK does not retry: every failure is classified here (dropped connection, 429, 5xx:
 *       retryable; 403, missing bucket: not) and {@link dev.forge.mirror.blob.RetryingBlobStore}
 *       decides.
 * </ul>
 *
 * Built by {@link S3Clients}, which also chooses checksums: other endpoints than AWS get the SDK's
 * request/response checksums only WHEN_REQUIRED (its default CRC trailers broke R2, GCS and Ceph);
 * Forge checks every object with its own CRC32C and BLAKE3 anyway.
 */
public final class S3BlobStore implements BlobStore {
    /**
     * Blobs over {@link #DEFAULT_MULTIPART_THRESHOLD} go up as multipart uploads of 8 MiB parts, so that
     * a push cut off inside one sends again at most the part in flight for each connection ({@link
     * #putResuming}).
     */
    static final long DEFAULT_PART_SIZE = 8L << 20;

    /**
     * Packs go up as single PUTs: one request instead of six (create, four parts, complete), and no
     * join of the parts on the server (S3Proxy's filesystem backend spent 3-8 s more CPU per push on
     * multipart packs; a push of corpus v1 to S3Proxy: 14.6 s against 17.1 s, a third of the requests;
     * docs/benchmarks.md). A pack is cut once it passes {@code PackUploader.TARGET_PACK_SIZE} (32 MiB),
     * so it holds at most that plus one chunk ({@link ChunkerParams#MAX_MAX_SIZE}). A push cut off
     * inside a pack sends that pack again: at most about 32 MiB per connection.
     */
    static final long DEFAULT_MULTIPART_THRESHOLD = (32L << 20) + ChunkerParams.MAX_MAX_SIZE;

    private static final long MIN_PART = 5L << 20;
    private static final int MAX_PARTS = 10_000;
    /** The most a ranged read into a partial file takes from the connection and appends at once. */
    private static final int STREAM_STEP = 256 << 10;
    /** Test-only: small parts against S3Proxy (TestHooks); 0 when not set. */
    private static final long TEST_PART_SIZE = TestHooks.size("FORGE_TEST_S3_PART_SIZE", 0);

    private final S3Client client;
    private final String bucket;
    private final String prefix;
    private final String where;
    private final long partSize;
    private final long multipartThreshold;
    private final RetryPolicy policy;

    S3BlobStore(
            S3Client client,
            String bucket,
            String prefix,
            String where,
            long partSize,
            long multipartThreshold,
            RetryPolicy policy) {
        if (partSize < MIN_PART && partSize != TEST_PART_SIZE)
            throw new IllegalArgumentException("S3 parts must be at least 5 MiB, got " + partSize);
        this.client = client;
        this.bucket = bucket;
        this.prefix = prefix;
        this.where = where;
        this.partSize = partSize;
        this.multipartThreshold = multipartThreshold;
        this.policy = policy;
    }

    /**
     * Opens the bucket that {@code url} names, with at most about {@code parallelism} connections in
     * use and every request bounded by {@code policy}'s timeouts.
     */
    public static BlobStore open(RemoteUrl.S3 url, int parallelism, RetryPolicy policy) {
        return new S3BlobStore(
                S3Clients.build(url, parallelism, policy),
                url.bucket(),
                url.prefix(),
                describe(url),
                TEST_PART_SIZE > 0 ? TEST_PART_SIZE : DEFAULT_PART_SIZE,
                TEST_PART_SIZE > 0 ? TEST_PART_SIZE : DEFAULT_MULTIPART_THRESHOLD,
                policy);
    }

    /** For tests: small parts, to exercise multipart uploads with small files. */
    public static BlobStore open(RemoteUrl.S3 url, int parallelism, long partSize, long multipartThreshold) {
        return new S3BlobStore(
                S3Clients.build(url, parallelism, RetryPolicy.standard()),
                url.bucket(),
                url.prefix(),
                describe(url),
                partSize,
                multipartThreshold,
                RetryPolicy.standard());
    }

    private static String describe(RemoteUrl.S3 url) {
        return RemoteUrl.redact(
                "s3://" + url.bucket() + "/" + url.prefix() + (url.endpoint() == null ? "" : " at " + url.endpoint()));
    }

    @Override
    public String describe() {
        return where;
    }

    private String key(String name) {
        return prefix + BlobNames.check(name);
    }

    @Override
    public void put(String name, byte[] data) {
        call(
                "write",
                name,
                () -> client.putObject(
                        PutObjectRequest.builder()
                                .bucket(bucket)
                                .key(key(name))
                                .contentLength((long) data.length)
                                .contentMD5(md5(data))
                                .overrideConfiguration(deadline(data.length))
                                .build(),
                        RequestBody.fromBytes(data)));
    }

    @Override
    public void put(String name, Path file) {
        put(name, file, false);
    }

    /**
     * A multipart upload of the same key that an interrupted earlier call left is continued: its parts
     * are listed, and those whose number, length and ETag (the MD5 of the part, on S3 without KMS) match
     * the file's bytes at that place are kept; only the rest are sent. An upload whose part size differs
     * is left alone (another writer's, or the bucket's lifecycle rule takes it).
     */
    @Override
    public long putResuming(String name, Path file) {
        return put(name, file, true);
    }

    private long put(String name, Path file, boolean resume) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new ForgeException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (size <= multipartThreshold) {
            String md5 = md5(file);
            call(
                    "write",
                    name,
                    () -> client.putObject(
                            PutObjectRequest.builder()
                                    .bucket(bucket)
                                    .key(key(name))
                                    .contentLength(size)
                                    .contentMD5(md5)
                                    .overrideConfiguration(deadline(size))
                                    .build(),
                            RequestBody.fromFile(file)));
            return 0;
        }
        // One part size for every part but the last; grow it only if 10,000 parts would not hold the file.
        long part = Math.max(partSize, (size + MAX_PARTS - 1) / MAX_PARTS);
        java.util.Map<Integer, String> done = new java.util.TreeMap<>();
        String found = resume ? unfinishedUpload(name, file, size, part, done) : null;
        String uploadId = found != null
                ? found
                : call(
                        "start an upload of",
                        name,
                        () -> client.createMultipartUpload(CreateMultipartUploadRequest.builder()
                                        .bucket(bucket)
                                        .key(key(name))
                                        .overrideConfiguration(deadline(0))
                                        .build())
                                .uploadId());
        long kept = 0;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            List<CompletedPart> parts = new ArrayList<>();
            for (int n = 1; (long) (n - 1) * part < size; n++) {
                long off = (long) (n - 1) * part;
                int len = (int) Math.min(part, size - off);
                int partNumber = n;
                String etag = done.get(n);
                if (etag != null) {
                    kept += len;
                } else {
                    byte[] buf = partBuffer(len);
                    in.seek(off);
                    in.readFully(buf, 0, len);
                    String md5 = md5(buf, len);
                    etag = call(
                            "upload part " + n + " of",
                            name,
                            () -> client.uploadPart(
                                            UploadPartRequest.builder()
                                                    .bucket(bucket)
                                                    .key(key(name))
                                                    .uploadId(uploadId)
                                                    .partNumber(partNumber)
                                                    .contentLength((long) len)
                                                    .contentMD5(md5)
                                                    .overrideConfiguration(deadline(len))
                                                    .build(),
                                            partBody(buf, len))
                                    .eTag());
                }
                parts.add(CompletedPart.builder()
                        .partNumber(partNumber)
                        .eTag(etag)
                        .build());
            }
            call(
                    "complete the upload of",
                    name,
                    () -> client.completeMultipartUpload(CompleteMultipartUploadRequest.builder()
                            .bucket(bucket)
                            .key(key(name))
                            .uploadId(uploadId)
                            .multipartUpload(CompletedMultipartUpload.builder()
                                    .parts(parts)
                                    .build())
                            // S3 takes longer to assemble more parts; it keeps the connection alive meanwhile.
                            .overrideConfiguration(deadline(size))
                            .build()));
            return kept;
        } catch (IOException | RuntimeException e) {
            boolean retryable = e instanceof RemoteUnavailableException r && r.retryable();
            // A resumable upload cut off by the network is kept for the retry (or the next run) to
            // continue; anything else is aborted so that no orphan parts are billed.
            if (!(resume && retryable)) {
                try {
                    client.abortMultipartUpload(AbortMultipartUploadRequest.builder()
                            .bucket(bucket)
                            .key(key(name))
                            .uploadId(uploadId)
                            .overrideConfiguration(deadline(0))
                            .build());
                } catch (SdkException ignored) {
                    // the bucket's lifecycle rule (or a later abort) cleans up; the original failure matters more
                }
            }
            if (e instanceof IOException io)
                throw new ForgeException("cannot read " + file + ": " + io.getMessage(), io);
            throw (RuntimeException) e;
        }
    }

    /**
     * The id of the newest unfinished multipart upload of {@code name} cut into parts of {@code part}
     * bytes, with the parts in {@code done} (number to ETag) whose bytes match {@code file}; null when
     * there is none, or listing them fails (then the upload simply starts over).
     */
    private String unfinishedUpload(String name, Path file, long size, long part, java.util.Map<Integer, String> done) {
        String key = key(name);
        try {
            List<MultipartUpload> uploads = new ArrayList<>();
            for (ListMultipartUploadsResponse page :
                    client.listMultipartUploadsPaginator(ListMultipartUploadsRequest.builder()
                            .bucket(bucket)
                            .prefix(key)
                            .overrideConfiguration(deadline(0))
                            .build())) {
                for (MultipartUpload u : page.uploads()) if (key.equals(u.key())) uploads.add(u);
            }
            uploads.sort(java.util.Comparator.comparing(
                            (MultipartUpload u) -> u.initiated() == null ? Instant.EPOCH : u.initiated())
                    .reversed());
            try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                for (MultipartUpload u : uploads) {
                    java.util.Map<Integer, String> matching = new java.util.TreeMap<>();
                    boolean sameCut = true;
                    for (ListPartsResponse page : client.listPartsPaginator(ListPartsRequest.builder()
                            .bucket(bucket)
                            .key(key)
                            .uploadId(u.uploadId())
                            .overrideConfiguration(deadline(0))
                            .build())) {
                        for (Part p : page.parts()) {
                            long off = (long) (p.partNumber() - 1) * part;
                            long len = Math.min(part, size - off);
                            if (p.partNumber() < 1 || off >= size || p.size() == null || p.size() != len) {
                                sameCut = false;
                                continue;
                            }
                            byte[] buf = partBuffer((int) len);
                            in.seek(off);
                            in.readFully(buf, 0, (int) len);
                            MessageDigest d = md5Digest();
                            d.update(buf, 0, (int) len);
                            String want = java.util.HexFormat.of().formatHex(d.digest());
                            String etag = p.eTag() == null
                                    ? ""
                                    : p.eTag().replace("\"", "").toLowerCase(java.util.Locale.ROOT);
                            if (want.equals(etag)) matching.put(p.partNumber(), p.eTag());
                        }
                    }
                    if (sameCut && !matching.isEmpty()) {
                        done.putAll(matching);
                        return u.uploadId();
                    }
                }
            }
            return null;
        } catch (SdkException | IOException | java.io.UncheckedIOException e) {
            return null;
        }
    }

    /**
     * Streams the range into {@code dst} and {@code partial} (appending after what it holds) as it
     * arrives, so that a read cut off half way keeps what came and nothing is read back; the request
     * deadline bounds it as any read.
     */
    @Override
    public long readInto(String name, long offset, int length, Path partial, byte[] dst) {
        int have;
        try {
            have = BlobStore.readPartial(partial, length, dst);
        } catch (IOException e) {
            throw new ForgeException("cannot read " + partial + ": " + e.getMessage(), e);
        }
        if (have >= length) return 0;
        long from = offset + have;
        int want = length - have;
        String range = "bytes=" + from + "-" + (offset + length - 1);
        return call("read", name, () -> {
            try (var in = client.getObject(GetObjectRequest.builder()
                            .bucket(bucket)
                            .key(key(name))
                            .range(range)
                            .build());
                    java.io.FileOutputStream out = new java.io.FileOutputStream(partial.toFile(), true)) {
                Long announced = in.response().contentLength();
                if (announced == null || announced != want) {
                    throw new RemoteUnavailableException(
                            "incomplete answer from " + where + " for " + name + " (range " + range + ")", true);
                }
                AtomicBoolean aborted = new AtomicBoolean();
                Duration deadline = policy.requestDeadline(want);
                ScheduledFuture<?> watchdog = WATCHDOG.schedule(
                        () -> {
                            aborted.set(true);
                            in.abort();
                        },
                        deadline.toMillis(),
                        TimeUnit.MILLISECONDS);
                int at = have;
                int got = 0;
                try {
                    for (int n; at < length && (n = in.read(dst, at, Math.min(STREAM_STEP, length - at))) > 0; ) {
                        out.write(dst, at, n);
                        at += n;
                        got += n;
                    }
                } catch (IOException e) {
                    if (aborted.get()) {
                        throw new RemoteUnavailableException(
                                "no complete answer from " + where + " for " + name + " within "
                                        + RetryPolicy.seconds(deadline) + " s",
                                true,
                                e);
                    }
                    throw e;
                } finally {
                    watchdog.cancel(false);
                }
                checkLength(name, (long) want, got);
                return got;
            } catch (IOException e) {
                throw SdkClientException.create("connection failed while reading: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public Optional<Versioned> get(String name) {
        try {
            return Optional.of(call("read", name, () -> {
                try (ResponseInputStream<GetObjectResponse> in = client.getObject(
                        GetObjectRequest.builder().bucket(bucket).key(key(name)).build())) {
                    return new Versioned(readBody(name, in), in.response().eTag());
                } catch (IOException e) {
                    throw SdkClientException.create("connection failed while reading: " + e.getMessage(), e);
                }
            }));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public byte[] get(String name, long offset, int length) {
        if (length == 0) return new byte[0];
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        byte[] b = call("read", name, () -> {
            try (var in = client.getObject(GetObjectRequest.builder()
                    .bucket(bucket)
                    .key(key(name))
                    .range(range)
                    .build())) {
                return readBody(name, in);
            } catch (IOException e) {
                throw SdkClientException.create("connection failed while reading: " + e.getMessage(), e);
            }
        });
        if (b.length != length) {
            throw new IntegrityException("blob " + name + " in " + where + " gave " + b.length + " bytes for range "
                    + range + " (truncated?)");
        }
        return b;
    }

    @Override
    public Optional<BlobInfo> stat(String name) {
        try {
            HeadObjectResponse r = call(
                    "look up",
                    name,
                    () -> client.headObject(HeadObjectRequest.builder()
                            .bucket(bucket)
                            .key(key(name))
                            .overrideConfiguration(deadline(0))
                            .build()));
            if (r.contentLength() == null)
                throw new RemoteUnavailableException("incomplete answer from " + where + " for " + name, true);
            return Optional.of(new BlobInfo(name, r.contentLength(), r.eTag()));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<BlobInfo> list(String namePrefix) {
        List<BlobInfo> out = new ArrayList<>();
        call("list", namePrefix, () -> {
            for (ListObjectsV2Response page : client.listObjectsV2Paginator(ListObjectsV2Request.builder()
                    .bucket(bucket)
                    .prefix(prefix + namePrefix)
                    .overrideConfiguration(deadline(0))
                    .build())) {
                // A response cut inside its headers reaches the SDK as an empty 200: it would read as
                // "no blobs". Every real page names its bucket and says whether more follow.
                if (page.name() == null || page.isTruncated() == null) {
                    throw new RemoteUnavailableException(
                            "incomplete listing of " + namePrefix + " from " + where + " (connection dropped?)", true);
                }
                for (S3Object o : page.contents()) {
                    out.add(new BlobInfo(o.key().substring(prefix.length()), o.size(), o.eTag()));
                }
            }
            return null;
        });
        return out;
    }

    @Override
    public void delete(String name) {
        call(
                "delete",
                name,
                () -> client.deleteObject(DeleteObjectRequest.builder()
                        .bucket(bucket)
                        .key(key(name))
                        .overrideConfiguration(deadline(0))
                        .build()));
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data) {
        try {
            call(
                    "create",
                    name,
                    () -> client.putObject(
                            PutObjectRequest.builder()
                                    .bucket(bucket)
                                    .key(key(name))
                                    .ifNoneMatch("*")
                                    .contentLength((long) data.length)
                                    .contentMD5(md5(data))
                                    .overrideConfiguration(deadline(data.length))
                                    .build(),
                            RequestBody.fromBytes(data)));
            return true;
        } catch (PreconditionFailed e) {
            return false;
        }
    }

    @Override
    public boolean replaceIfUnchanged(String name, byte[] data, String expectedToken) {
        try {
            call(
                    "update",
                    name,
                    () -> client.putObject(
                            PutObjectRequest.builder()
                                    .bucket(bucket)
                                    .key(key(name))
                                    .ifMatch(expectedToken)
                                    .contentLength((long) data.length)
                                    .contentMD5(md5(data))
                                    .overrideConfiguration(deadline(data.length))
                                    .build(),
                            RequestBody.fromBytes(data)));
            return true;
        } catch (PreconditionFailed | NotFoundException e) {
            return false;
        }
    }

    /** The request override that bounds one attempt of a request moving {@code bytes}: {@link RetryPolicy#requestDeadline}. */
    private Consumer<AwsRequestOverrideConfiguration.Builder> deadline(long bytes) {
        Duration d = policy.requestDeadline(bytes);
        return o -> o.apiCallAttemptTimeout(d).apiCallTimeout(d);
    }

    /**
     * Reads a response body whole, within the request deadline for its announced length: the read
     * timeout catches a server that stops sending, this catches one that trickles. A watchdog aborts
     * the connection at the deadline, and the read fails (retryable).
     */
    private byte[] readBody(String name, ResponseInputStream<GetObjectResponse> in) {
        Long length = in.response().contentLength();
        if (length == null || length < 0 || length > Integer.MAX_VALUE - 8) {
            throw new RemoteUnavailableException(
                    "incomplete answer from " + where + " for " + name + " (no usable Content-Length)", true);
        }
        long announced = length;
        Duration deadline = policy.requestDeadline(announced);
        AtomicBoolean aborted = new AtomicBoolean();
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(
                () -> {
                    aborted.set(true);
                    in.abort();
                },
                deadline.toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            byte[] got = in.readNBytes((int) announced + 1);
            checkLength(name, announced, got.length);
            return got;
        } catch (IOException e) {
            if (aborted.get()) {
                throw new RemoteUnavailableException(
                        "no complete answer from " + where + " for " + name + " within " + RetryPolicy.seconds(deadline)
                                + " s (" + announced + " bytes)",
                        true,
                        e);
            }
            throw SdkClientException.create("connection failed while reading: " + e.getMessage(), e);
        } finally {
            watchdog.cancel(false);
        }
    }

    /** Aborts response bodies that outlast their deadline; one daemon thread for every store. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("forge-s3-deadline").daemon().unstarted(r));

    /**
     * A response cut inside its headers reaches the client as a complete response without a
     * Content-Length and with an empty body (the HTTP client is lenient there): such an answer, or a
     * body shorter than announced, is a dropped connection (retryable), never data.
     */
    private void checkLength(String name, Long announced, long got) {
        if (announced == null || announced != got) {
            throw new RemoteUnavailableException(
                    "incomplete answer from " + where + " for " + name + " (connection dropped?)", true);
        }
    }

    /**
     * Content-MD5 on every write: a body cut short by a dropped connection is then refused by the
     * server (BadDigest) instead of being stored truncated, as some S3-compatible servers would.
     */
    private static String md5(byte[] data) {
        return md5(data, data.length);
    }

    private static String md5(byte[] data, int length) {
        MessageDigest d = md5Digest();
        d.update(data, 0, length);
        return Base64.getEncoder().encodeToString(d.digest());
    }

    /**
     * Each upload thread's part buffer, reused from part to part and pack to pack. A new array per
     * 8 MiB part, and the copy {@code RequestBody.fromBytes} makes of it, made a push of 2 GB allocate
     * about three times that; with the heap allowed to grow to 2 GiB, the serial collector let it, and
     * the process's resident memory reached 2.2 GB (scripts/bench-e2e, issue 16's 1 GiB goal).
     */
    private static final ThreadLocal<byte[]> PART_BUFFER = new ThreadLocal<>();

    private static byte[] partBuffer(int length) {
        byte[] b = PART_BUFFER.get();
        if (b == null || b.length < length) {
            b = new byte[length];
            PART_BUFFER.set(b);
        }
        return b;
    }

    /**
     * The first {@code length} bytes of {@code buf} as a request body, without the copy {@code
     * fromBytes} makes: a new stream over the same bytes for every attempt the SDK makes. The buffer is
     * not touched again until the call that sends it has returned.
     */
    private static RequestBody partBody(byte[] buf, int length) {
        return RequestBody.fromContentProvider(
                () -> new java.io.ByteArrayInputStream(buf, 0, length), length, "application/octet-stream");
    }

    private static String md5(Path file) {
        MessageDigest d = md5Digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
        } catch (IOException e) {
            throw new ForgeException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return Base64.getEncoder().encodeToString(d.digest());
    }

    private static MessageDigest md5Digest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    /** A conditional write that found the blob changed (412). */
    private static final class PreconditionFailed extends RuntimeException {
        PreconditionFailed() {
            super(null, null, false, false);
        }
    }

    /** Runs one request, turning the SDK's failures into Forge's typed ones. */
    private <T> T call(String what, String name, Supplier<T> request) {
        try {
            return request.get();
        } catch (S3Exception e) {
            int status = e.statusCode();
            String code =
                    e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if (status == 412) throw new PreconditionFailed();
            if (status == 404 && "NoSuchBucket".equals(code)) {
                throw new RemoteUnavailableException(
                        "the bucket '" + bucket + "' does not exist (" + where + ")", false, e);
            }
            if (status == 404) throw new NotFoundException("blob " + name + " is missing from " + where);
            if (status == 403 || status == 401) {
                throw new RemoteUnavailableException(
                        "access denied to " + where + " (" + (code == null ? status : code)
                                + "): check FORGE_S3_ACCESS_KEY_ID/FORGE_S3_SECRET_ACCESS_KEY and the bucket's permissions",
                        false,
                        e);
            }
            // S3 answers a cut or stalled upload 400 IncompleteBody or 400 RequestTimeout: the request
            // was fine, the connection was not, so it is sent again.
            boolean transient400 = status == 400 && ("IncompleteBody".equals(code) || "RequestTimeout".equals(code));
            boolean retryable = status == 429 || status == 409 || status >= 500 || transient400;
            Duration retryAfter = retryable ? retryAfter(e) : null;
            throw new RemoteUnavailableException(
                    "cannot " + what + " " + name + " in " + where + ": HTTP " + status
                            + (code == null ? "" : " " + code),
                    retryable,
                    retryAfter,
                    e);
        } catch (SdkClientException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("Unable to load credentials") || m.contains("Unable to load region")) {
                throw new RemoteUnavailableException(S3Clients.configurationHint(m), false, e);
            }
            throw new RemoteUnavailableException(
                    "cannot " + what + " " + name + " in " + where + ": " + clientFailure(e, m), true, e);
        } catch (SdkException e) {
            throw new RemoteUnavailableException(
                    "cannot " + what + " " + name + " in " + where + ": " + firstLine(String.valueOf(e.getMessage())),
                    true,
                    e);
        } catch (java.io.UncheckedIOException e) {
            // A body the SDK reads lazily (a listing page) cut by a dropped connection.
            throw new RemoteUnavailableException(
                    "cannot " + what + " " + name + " in " + where + ": connection dropped while reading ("
                            + firstLine(String.valueOf(
                                    e.getCause() == null
                                            ? e.getMessage()
                                            : e.getCause().getMessage()))
                            + ")",
                    true,
                    e);
        }
    }

    /** The wait a 429/503 answer announced (Retry-After), or null. */
    private static Duration retryAfter(S3Exception e) {
        if (e.awsErrorDetails() == null || e.awsErrorDetails().sdkHttpResponse() == null) return null;
        return e.awsErrorDetails()
                .sdkHttpResponse()
                .firstMatchingHeader("Retry-After")
                .map(v -> RetryAfter.parse(v, Instant.now()))
                .orElse(null);
    }

    /** What went wrong on the client side, in words: no answer in time, or the SDK's first line. */
    private String clientFailure(SdkClientException e, String message) {
        if (e instanceof ApiCallAttemptTimeoutException || e instanceof ApiCallTimeoutException) {
            return "no complete answer within the request's deadline";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
                return m.contains("connect")
                        ? "no connection within " + RetryPolicy.seconds(policy.connectTimeout()) + " s"
                        : "no answer within " + RetryPolicy.seconds(policy.readTimeout()) + " s";
            }
        }
        return firstLine(message);
    }

    /** The SDK's message without its second lines and its "(SDK Attempt Count: n)" suffix. */
    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return RemoteUrl.redact(
                line.replaceAll(" ?\\(SDK Attempt Count: \\d+\\)", "").replace("Unable to execute HTTP request: ", ""));
    }

    @Override
    public void close() {
        client.close();
    }
}
