package dev.tether.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * A proxy in front of a server that loses answers: it forwards each request, waits until the server has answered
 * in full, and then closes the client's connection without a byte (every answer, or only those of the requests it
 * is told to drop). What a client behind a flaky network sees: it cannot know whether its write was applied.
 */
public final class DroppingProxy implements AutoCloseable {
    private static final List<String> FORWARDED = List.of("X-CleverTap-Account-Id", "X-CleverTap-Passcode",
            "Content-Type", "Idempotency-Key");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final HttpServer proxy;
    private final String target;
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final IntPredicate drops;
    private final List<String> keys = new CopyOnWriteArrayList<>();

    /** Loses every answer. */
    public DroppingProxy(String target) {
        this(target, request -> true);
    }

    /** Loses the answers of the requests {@code drops} picks by their number, from 1; relays the rest. */
    public DroppingProxy(String target, IntPredicate drops) {
        this.target = target;
        this.drops = drops;
        try {
            proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        proxy.createContext("/", this::forwardAndDrop);
        proxy.setExecutor(Executors.newFixedThreadPool(4));
        proxy.start();
        OpenApiDocument.servedAt(proxy.getAddress().getPort()); // it relays Tether's answers: they are checked too
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + proxy.getAddress().getPort();
    }

    /** How many requests the server answered (and the proxy then dropped). */
    public int answered() {
        return answered.get();
    }

    /** The Idempotency-Key of every request, in the order they came (empty for a request without one). */
    public List<String> idempotencyKeys() {
        return List.copyOf(keys);
    }

    private void forwardAndDrop(HttpExchange exchange) throws IOException {
        try (exchange) {
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            keys.add(key == null ? "" : key);
            int number = requests.incrementAndGet();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(),
                            HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
            for (String header : FORWARDED) {
                String value = exchange.getRequestHeaders().getFirst(header);
                if (value != null) {
                    request.header(header, value);
                }
            }
            HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            answered.incrementAndGet();
            if (!drops.test(number)) {
                for (String header : List.of("Content-Type", "Retry-After", "Idempotent-Replayed")) {
                    response.headers().firstValue(header).ifPresent(value ->
                            exchange.getResponseHeaders().set(header, value));
                }
                exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1
                        : response.body().length);
                exchange.getResponseBody().write(response.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // closed without an answer: the client's connection ends with no response
    }

    @Override
    public void close() {
        OpenApiDocument.noLongerServedAt(proxy.getAddress().getPort());
        proxy.stop(0);
    }
}
