package dev.tether.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Sends a bulk run's batches to any server that speaks the API, and keeps sending one until it is answered: a lost
 * connection, a timeout, a 429, a 409 for a key still in flight and any 5xx are retried with the same body and the
 * same Idempotency-Key, after the server's Retry-After or a doubling pause (1 s up to 30 s), until
 * {@code giveUpAfter} has passed without an answer. Any other answer ends the run: it would be the same on a retry.
 */
public final class BulkClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);
    private static final long MAX_PAUSE_MS = 30_000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;
    private final String account;
    private final String passcode;
    private final Duration giveUpAfter;
    private final Consumer<String> notice;

    public BulkClient(String baseUrl, String account, String passcode, Duration giveUpAfter, Consumer<String> notice) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.account = account;
        this.passcode = passcode;
        this.giveUpAfter = giveUpAfter;
        this.notice = notice;
    }

    /** POSTs the body and answers the 200's JSON, retrying what a retry can mend. */
    JsonNode post(String path, byte[] body, Optional<String> idempotencyKey) throws BulkStopped {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("X-CleverTap-Account-Id", account)
                .header("X-CleverTap-Passcode", passcode)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        idempotencyKey.ifPresent(key -> request.header("Idempotency-Key", key));
        long deadline = System.nanoTime() + giveUpAfter.toNanos();
        long pauseMs = 1000;
        for (int attempt = 1; ; attempt++) {
            String problem;
            long waitMs = pauseMs;
            try {
                HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                int status = response.statusCode();
                if (status == 200) {
                    return JSON.readTree(response.body());
                }
                String error = errorOf(response.body());
                // the id the server's log line has, for whoever looks for this request there
                String requestId = response.headers().firstValue("X-Request-Id").map(id -> " (request " + id + ")")
                        .orElse("");
                if (!retriable(status, error)) {
                    throw new BulkStopped((status == 401 ? "the server refused the credentials: " + error
                            : "the server answered HTTP " + status + ": " + error) + requestId, 1);
                }
                problem = "HTTP " + status + " (" + error + ")" + requestId;
                Optional<String> retryAfter = response.headers().firstValue("Retry-After");
                if (retryAfter.isPresent() && retryAfter.get().matches("\\d{1,4}")) {
                    waitMs = Math.max(waitMs, Long.parseLong(retryAfter.get()) * 1000);
                }
            } catch (IOException e) {
                problem = "no answer (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BulkStopped("interrupted", 130);
            }
            if (System.nanoTime() + waitMs * 1_000_000 > deadline) {
                throw new BulkStopped("gave up after " + giveUpAfter.toSeconds() + " s without an answer, last "
                        + problem, 75);
            }
            notice.accept("retrying in " + waitMs / 1000.0 + " s (attempt " + (attempt + 1) + "): " + problem);
            try {
                Thread.sleep(waitMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BulkStopped("interrupted", 130);
            }
            pauseMs = Math.min(MAX_PAUSE_MS, pauseMs * 2);
        }
    }

    /** Worth sending again: throttled, busy, a key in flight, or the server's own trouble. */
    private static boolean retriable(int status, String error) {
        return status == 429 || status >= 500 || status == 408
                || status == 409 && error.contains("in flight");
    }

    private static String errorOf(byte[] body) {
        try {
            JsonNode json = JSON.readTree(body);
            if (json != null && json.hasNonNull("error")) {
                return json.get("error").asText();
            }
        } catch (IOException e) {
            // not JSON: shown as text below
        }
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8).strip();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
