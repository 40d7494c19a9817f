package dev.tether.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One HTTP attempt to deliver a message: a POST with the Standard Webhooks headers, delivered when the endpoint
 * answers 2xx within the timeout. Redirects are not followed (a 3xx is a failed attempt), and at most the first
 * {@value #ERROR_BYTES} bytes of a failed answer are read, for the attempt's record.
 */
final class Attempt {
    private static final int ERROR_BYTES = 300;

    private Attempt() {
    }

    /** What came of an attempt: the status if an answer came, and the error when it was not delivered. */
    record Outcome(boolean delivered, OptionalInt status, Optional<String> error) {
    }

    static HttpClient client(Duration timeout) {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    static Outcome send(HttpClient http, String url, String messageId, long timestamp, String signature, String body,
                        Duration timeout) throws InterruptedException {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Tether-Webhooks/1")
                    .header("webhook-id", messageId)
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature", signature)
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        } catch (IllegalArgumentException e) {
            return new Outcome(false, OptionalInt.empty(), Optional.of("bad URL: " + e.getMessage()));
        }
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            try (InputStream answer = response.body()) {
                if (status >= 200 && status < 300) {
                    return new Outcome(true, OptionalInt.of(status), Optional.empty());
                }
                String start = new String(answer.readNBytes(ERROR_BYTES), StandardCharsets.UTF_8).strip();
                String error = status >= 300 && status < 400
                        ? "redirect to " + response.headers().firstValue("Location").orElse("?") + " not followed"
                        : "HTTP " + status + (start.isEmpty() ? "" : ": " + start);
                return new Outcome(false, OptionalInt.of(status), Optional.of(error));
            }
        } catch (HttpConnectTimeoutException e) {
            return failed("no connection within " + timeout.toSeconds() + " s");
        } catch (HttpTimeoutException e) {
            return failed("no answer within " + timeout.toSeconds() + " s");
        } catch (ConnectException e) {
            return failed("connection refused");
        } catch (IOException e) {
            return failed(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private static Outcome failed(String error) {
        return new Outcome(false, OptionalInt.empty(), Optional.of(error));
    }
}
