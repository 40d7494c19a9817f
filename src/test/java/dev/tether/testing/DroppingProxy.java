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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A proxy in front of a server that loses every answer: it forwards each request, waits until the server has
 * answered in full, and then closes the client's connection without a byte. What a client behind a flaky network
 * sees: it cannot know whether its write was applied.
 */
public final class DroppingProxy implements AutoCloseable {
    private static final List<String> FORWARDED = List.of("X-CleverTap-Account-Id", "X-CleverTap-Passcode",
            "Content-Type", "Idempotency-Key");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final HttpServer proxy;
    private final String target;
    private final AtomicInteger answered = new AtomicInteger();

    public DroppingProxy(String target) {
        this.target = target;
        try {
            proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        proxy.createContext("/", this::forwardAndDrop);
        proxy.setExecutor(Executors.newFixedThreadPool(4));
        proxy.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + proxy.getAddress().getPort();
    }

    /** How many requests the server answered (and the proxy then dropped). */
    public int answered() {
        return answered.get();
    }

    private void forwardAndDrop(HttpExchange exchange) throws IOException {
        try (exchange) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(),
                            HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
            for (String header : FORWARDED) {
                String value = exchange.getRequestHeaders().getFirst(header);
                if (value != null) {
                    request.header(header, value);
                }
            }
            HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            answered.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // closed without an answer: the client's connection ends with no response
    }

    @Override
    public void close() {
        proxy.stop(0);
    }
}
