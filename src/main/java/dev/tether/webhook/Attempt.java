package dev.tether.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP attempt to deliver a message: a POST with the Standard Webhooks headers, delivered when the endpoint
 * answers 2xx within the timeout. Redirects are not followed (a 3xx is a failed
 * attempt), and at most the first {@value #ERROR_BYTES} bytes of a failed answer are kept, for the attempt's record.
 * The JDK's blocking client, which keeps connections alive between attempts: on a sender's own thread it costs a
 * fraction of the CPU of java.net.http's asynchronous one per message, and that CPU is the API's.
 */
final class Attempt {
    private static final int ERROR_BYTES = 300;

    private Attempt() {
    }

    /** What came of an attempt: the status if an answer came, and the error when it was not delivered. */
    record Outcome(boolean delivered, OptionalInt status, Optional<String> error) {
    }

    /**
     * Sends one attempt. The timeout holds for connecting and for each read, and the whole attempt ends at
     * {@code timeout} after it starts in any case (an answer that drips in slowly is cut off by {@code deadlines}),
     * so that an attempt never outlasts the lease it runs under.
     */
    static Outcome send(String url, String messageId, long timestamp, String signature, String body,
                        Duration timeout, ScheduledExecutorService deadlines) {
        HttpURLConnection connection;
        try {
            URL target = URI.create(url).toURL();
            connection = (HttpURLConnection) target.openConnection();
        } catch (IllegalArgumentException | IOException | ClassCastException e) {
            return failed("bad URL: " + e.getMessage());
        }
        AtomicBoolean late = new AtomicBoolean();
        HttpURLConnection attempt = connection;
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            late.set(true);
            attempt.disconnect();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            connection.setInstanceFollowRedirects(false);
            connection.setConnectTimeout((int) timeout.toMillis());
            connection.setReadTimeout((int) timeout.toMillis());
            connection.setDoOutput(true);
            connection.setRequestMethod("POST");
            connection.setRequestProperty("Content-Type", "application/json");
            connection.setRequestProperty("User-Agent", "Tether-Webhooks/1");
            connection.setRequestProperty("webhook-id", messageId);
            connection.setRequestProperty("webhook-timestamp", Long.toString(timestamp));
            connection.setRequestProperty("webhook-signature", signature);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(bytes);
            }
            int status = connection.getResponseCode();
            if (status >= 200 && status < 300) {
                try {
                    drain(connection, false);
                } catch (IOException bodyCutOff) {
                    // the answer was 2xx: delivered, whatever became of the body after it
                    connection.disconnect();
                }
                return new Outcome(true, OptionalInt.of(status), Optional.empty());
            }
            String start = drain(connection, true);
            String error = status >= 300 && status < 400
                    ? "redirect to " + Optional.ofNullable(connection.getHeaderField("Location")).orElse("?")
                            + " not followed"
                    : "HTTP " + status + (start.isEmpty() ? "" : ": " + start);
            return new Outcome(false, OptionalInt.of(status), Optional.of(error));
        } catch (SocketTimeoutException e) {
            return failed(String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("connect")
                    ? "no connection within " + timeout.toSeconds() + " s"
                    : "no answer within " + timeout.toSeconds() + " s");
        } catch (ConnectException e) {
            return failed("connection refused");
        } catch (IOException e) {
            connection.disconnect();
            return failed(late.get() ? "no answer within " + timeout.toSeconds() + " s"
                    : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } finally {
            deadline.cancel(false);
        }
    }

    /**
     * Reads the answer's body to its end, so that the connection can carry the next attempt; returns its start
     * when asked (a long answer is cut off and its connection closed instead).
     */
    private static String drain(HttpURLConnection connection, boolean keepStart) throws IOException {
        InputStream answer = connection.getErrorStream();
        if (answer == null) {
            try {
                answer = connection.getInputStream();
            } catch (IOException noBody) {
                return "";
            }
        }
        try (InputStream in = answer) {
            byte[] start = in.readNBytes(ERROR_BYTES);
            if (in.read() >= 0) {
                connection.disconnect();
            }
            return keepStart ? new String(start, StandardCharsets.UTF_8).strip() : "";
        }
    }

    private static Outcome failed(String error) {
        return new Outcome(false, OptionalInt.empty(), Optional.of(error));
    }
}
