package dev.tether.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver on a free port, as an engineer would write one from the Standard Webhooks 1.0 specification:
 * it verifies every delivery's signature with its own code (not the server's), records it, and answers what the
 * test tells it to (a status, after a pause). It can go down and come back on the same port.
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The specification's advice: refuse a timestamp more than five minutes away from now. */
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    /** One delivery as received: its headers, body, whether its signature verified, and the path it came to. */
    public record Delivery(String path, String id, String timestamp, String signature, String body,
                           boolean verified, Instant receivedAt) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String type() {
            return json().get("type").asText();
        }
    }

    private final int port;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final List<Delivery> received = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile Function<Delivery, Integer> answer = delivery -> 204;
    private volatile Duration pause = Duration.ZERO;
    private HttpServer http;

    public WebhookReceiver() {
        this(0);
    }

    /** A receiver on this port (0: a free one). */
    public WebhookReceiver(int port) {
        this.http = listen(port);
        this.port = http.getAddress().getPort();
    }

    private HttpServer listen(int onPort) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 64);
            server.createContext("/", this::handle);
            server.setExecutor(Executors.newCachedThreadPool());
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The URL of a path on this receiver; deliveries to it are verified with the secret given by {@link #trust}. */
    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public void trust(String path, String secret) {
        secrets.put(path, secret);
    }

    /** What to answer each delivery (after the pause): an HTTP status. */
    public void answer(Function<Delivery, Integer> status) {
        this.answer = status;
    }

    public void pause(Duration before) {
        this.pause = before;
    }

    /** Stops listening: connections are refused until {@link #comeBack}. */
    public synchronized void goDown() {
        http.stop(0);
    }

    public synchronized void comeBack() {
        http = listen(port);
    }

    private void handle(HttpExchange exchange) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        boolean answered = false;
        try {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            String id = header(exchange, "webhook-id");
            String timestamp = header(exchange, "webhook-timestamp");
            String signature = header(exchange, "webhook-signature");
            String secret = secrets.get(path);
            boolean verified = secret != null && verify(secret, id, timestamp, body, signature);
            Delivery delivery = new Delivery(path, id, timestamp, signature, body, verified, Instant.now());
            synchronized (received) {
                received.add(delivery);
                received.notifyAll();
            }
            if (!pause.isZero()) {
                Thread.sleep(pause.toMillis());
            }
            int status = answer.apply(delivery);
            // no longer in flight once the answer is decided: the client may send the next as soon as it has it
            inFlight.decrementAndGet();
            answered = true;
            if (status >= 300 && status < 400) {
                exchange.getResponseHeaders().add("Location", url("/redirected"));
            }
            byte[] reply = (status >= 200 && status < 300 ? "" : "receiver says no").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, reply.length == 0 ? -1 : reply.length);
            if (reply.length > 0) {
                exchange.getResponseBody().write(reply);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!answered) {
                inFlight.decrementAndGet();
            }
            exchange.close();
        }
    }

    private static String header(HttpExchange exchange, String name) {
        String value = exchange.getRequestHeaders().getFirst(name);
        return value == null ? "" : value;
    }

    /**
     * Standard Webhooks 1.0, section "Verifying webhooks": the secret without its {@code whsec_} prefix is base64 of
     * the key; the signed content is {@code id.timestamp.body}; the header holds space-separated {@code v1,<base64>}
     * signatures, any of which may match (compared in constant time); the timestamp must be within the tolerance.
     */
    public static boolean verify(String secret, String id, String timestamp, String body, String signatureHeader) {
        try {
            long sentAt = Long.parseLong(timestamp);
            if (Math.abs(Instant.now().getEpochSecond() - sentAt) > TOLERANCE.toSeconds()) {
                return false;
            }
            byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            for (String versioned : signatureHeader.split(" ")) {
                int comma = versioned.indexOf(',');
                if (comma > 0 && versioned.substring(0, comma).equals("v1")
                        && MessageDigest.isEqual(expected, Base64.getDecoder().decode(versioned.substring(comma + 1)))) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    /** Every delivery so far, in the order they came. */
    public List<Delivery> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Waits until at least {@code count} deliveries came, and returns them; fails the test after the timeout. */
    public List<Delivery> awaitDeliveries(int count, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (received.size() < count) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " deliveries within " + timeout + ", got "
                            + received.size() + ": " + received);
                }
                try {
                    received.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
            return List.copyOf(received);
        }
    }

    /** The most deliveries that were being answered at once. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    @Override
    public synchronized void close() {
        http.stop(0);
    }
}
