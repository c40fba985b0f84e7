package dev.forge.mirror.s3;

import dev.forge.mirror.RemoteUrl;
import dev.forge.mirror.blob.RetryPolicy;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * Builds the SDK client for an S3 URL: endpoint, region, path-style, credentials, connection pool,
 * timeouts, checksums and (no) retries. Every request is bounded: a connection must be made within the
 * policy's connect timeout and each read of the answer gets its read timeout; {@link S3BlobStore}
 * bounds each whole request by its deadline (the SDK's {@code apiCallAttemptTimeout}, set per
 * request, for all but GETs, whose bodies it reads under a watchdog of its own). The SDK's timeouts
 * are not set on the client: armed for every GET, whose answer is a stream the SDK hands over before
 * it is read, they made requests fail now and then on connections the pool had reused (an HTTP 400
 * from S3Proxy in FaultyS3RemoteTest, never seen without them). Credentials come from {@code FORGE_S3_ACCESS_KEY_ID} and {@code
 * FORGE_S3_SECRET_ACCESS_KEY} when both are set, else the SDK's default chain (AWS_* variables,
 * system properties, profiles, container and instance roles); they are never logged or stored.
 */
final class S3Clients {
    static final String KEY_ID = "FORGE_S3_ACCESS_KEY_ID";
    static final String SECRET = "FORGE_S3_SECRET_ACCESS_KEY";

    private S3Clients() {}

    static S3Client build(RemoteUrl.S3 url, int parallelism, RetryPolicy policy) {
        S3ClientBuilder b = S3Client.builder()
                .httpClient(Apache5HttpClient.builder()
                        // Ranged reads run at twice the transfer parallelism; leave room for refs and listings.
                        .maxConnections(Math.max(4, parallelism * 2 + 4))
                        .connectionTimeout(policy.connectTimeout())
                        .socketTimeout(policy.readTimeout())
                        .connectionAcquisitionTimeout(policy.timeout())
                        .build())
                .credentialsProvider(credentials())
                .forcePathStyle(url.pathStyle())
                // Retries are RetryingBlobStore's: one policy, one place, and attempts counted once.
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        if (url.endpoint() != null) b.endpointOverride(URI.create(url.endpoint()));
        if (url.region() != null) b.region(Region.of(url.region()));
        else if (url.endpoint() != null) b.region(Region.US_EAST_1);
        if (!url.isAws()) {
            // The SDK's default CRC checksums (since 2.30) break R2 (501), GCS and Ceph.
            b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
            b.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            // No aws-chunked streaming signatures: a body cut short by a dropped connection then fails the
            // signed payload hash (and Content-MD5) instead of being stored short by servers that take the
            // end of a chunked stream for the end of the object.
            b.serviceConfiguration(
                    S3Configuration.builder().chunkedEncodingEnabled(false).build());
        }
        return b.build();
    }

    private static AwsCredentialsProvider credentials() {
        String id = System.getenv(KEY_ID);
        String secret = System.getenv(SECRET);
        if (id != null && !id.isEmpty() && secret != null && !secret.isEmpty()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    static String configurationHint(String sdkMessage) {
        if (sdkMessage.contains("region")) {
            return "no AWS region configured for this s3:// remote: add ?region=REGION to its URL, or set AWS_REGION";
        }
        return "no S3 credentials found: set " + KEY_ID + " and " + SECRET
                + " (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or an AWS profile)";
    }
}
