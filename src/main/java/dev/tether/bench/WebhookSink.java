package dev.tether.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local webhook receiver for the benchmark: answers every delivery 204 at once and counts them, with the time
 * of the first and the last, so that the delivery rate is the server's, not a receiver's.
 */
final class WebhookSink implements AutoCloseable {
    private final HttpServer http;
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicLong firstNanos = new AtomicLong();
    private final AtomicLong lastNanos = new AtomicLong();

    private WebhookSink(HttpServer http) {
        this.http = http;
    }

    static WebhookSink start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        WebhookSink sink = new WebhookSink(server);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            long now = System.nanoTime();
            firstNanos(sink, now);
            sink.lastNanos.set(now);
            sink.deliveries.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        return sink;
    }

    private static void firstNanos(WebhookSink sink, long now) {
        sink.firstNanos.compareAndSet(0, now);
    }

    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/bench";
    }

    long deliveries() {
        return deliveries.get();
    }

    /** Seconds from the first delivery to the last. */
    double seconds() {
        return (lastNanos.get() - firstNanos.get()) / 1e9;
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
