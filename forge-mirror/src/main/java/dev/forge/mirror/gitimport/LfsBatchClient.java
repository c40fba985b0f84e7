package dev.forge.mirror.gitimport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.core.error.RemoteUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;

/**
 * A client of a Git LFS server's batch API (git-lfs docs/api/batch.md) and its basic transfer
 * (docs/api/basic-transfers.md), for downloads only: one {@code POST ENDPOINT/objects/batch} per object
 * with operation {@code download}, then a {@code GET} of the {@code download} action's href with its
 * headers. An object the server answers with error 404 (or 410) is missing; any other failure stops the
 * import as a remote error. Downloads go to a scratch folder that the import deletes when it ends.
 */
final class LfsBatchClient {
    private static final String MEDIA_TYPE = "application/vnd.git-lfs+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String endpoint;
    private final Path scratch;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(30))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    LfsBatchClient(String endpoint, Path scratch) {
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.scratch = scratch;
    }

    /** The LFS server of a git remote URL, as git-lfs's server discovery derives it. */
    static String endpointOf(String gitUrl) {
        String u = gitUrl.endsWith("/") ? gitUrl.substring(0, gitUrl.length() - 1) : gitUrl;
        return u.endsWith(".git") ? u + "/info/lfs" : u + ".git/info/lfs";
    }

    String endpoint() {
        return endpoint;
    }

    /** Downloads {@code p} into the scratch folder; empty when the server does not have it. */
    Optional<Path> download(LfsPointer p) {
        ObjectNode req = JSON.createObjectNode();
        req.put("operation", "download");
        req.putArray("transfers").add("basic");
        req.putArray("objects").addObject().put("oid", p.oid()).put("size", p.size());
        req.put("hash_algo", "sha256");
        try {
            HttpResponse<String> resp = http.send(
                    HttpRequest.newBuilder(URI.create(endpoint + "/objects/batch"))
                            .timeout(Duration.ofMinutes(2))
                            .header("Accept", MEDIA_TYPE)
                            .header("Content-Type", MEDIA_TYPE)
                            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(req)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() == 404) return Optional.empty();
            if (resp.statusCode() != 200) {
                throw new RemoteUnavailableException(
                        "LFS server " + endpoint + " answered the batch request with HTTP " + resp.statusCode(),
                        resp.statusCode() >= 500 || resp.statusCode() == 429);
            }
            JsonNode obj = null;
            for (JsonNode o : JSON.readTree(resp.body()).path("objects")) {
                if (p.oid().equals(o.path("oid").asText())) obj = o;
            }
            if (obj == null)
                throw new RemoteUnavailableException(
                        "LFS server " + endpoint + " did not answer for object " + p.oid(), false);
            if (obj.has("error")) {
                int code = obj.path("error").path("code").asInt();
                if (code == 404 || code == 410) return Optional.empty();
                throw new RemoteUnavailableException(
                        "LFS server " + endpoint + " refused object " + p.oid() + ": " + code + " "
                                + obj.path("error").path("message").asText(),
                        false);
            }
            JsonNode action = obj.path("actions").path("download");
            if (!action.has("href")) return Optional.empty();
            HttpRequest.Builder get = HttpRequest.newBuilder(
                            URI.create(action.path("href").asText()))
                    .timeout(Duration.ofHours(1))
                    .GET();
            action.path("header")
                    .properties()
                    .forEach(h -> get.header(h.getKey(), h.getValue().asText()));
            Files.createDirectories(scratch);
            Path part = scratch.resolve(p.oid() + ".part");
            HttpResponse<Path> got = http.send(get.build(), HttpResponse.BodyHandlers.ofFile(part));
            if (got.statusCode() == 404) {
                Files.deleteIfExists(part);
                return Optional.empty();
            }
            if (got.statusCode() != 200) {
                Files.deleteIfExists(part);
                throw new RemoteUnavailableException(
                        "LFS download of " + p.oid() + " answered HTTP " + got.statusCode(), got.statusCode() >= 500);
            }
            Path file = scratch.resolve(p.oid());
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            if (Files.size(file) != p.size()) {
                throw new RemoteUnavailableException(
                        "LFS download of " + p.oid() + " has " + Files.size(file) + " bytes, not " + p.size(), false);
            }
            return Optional.of(file);
        } catch (IOException e) {
            throw new RemoteUnavailableException(
                    "cannot reach LFS server " + endpoint + ": " + e.getMessage(), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteUnavailableException("interrupted talking to " + endpoint, false, e);
        }
    }
}
