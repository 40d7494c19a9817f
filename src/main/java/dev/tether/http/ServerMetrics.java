package dev.tether.http;

import dev.tether.account.Scope;
import dev.tether.batch.BatchResult;
import dev.tether.store.Store;
import dev.tether.upload.UploadRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The server's meters, shown by {@code GET /metrics} in Prometheus text format: requests and their latency per
 * endpoint template, method and status; records processed and failed per endpoint and code; 429s; and, bound
 * here, the store's pools and retries, the JVM and the process. Webhook delivery and the writes waiting at their
 * account's share ({@code Transactions.instrument}) add their own to the same registry.
 */
final class ServerMetrics implements AutoCloseable {
    /** Latency buckets: from a cached read to the 10 s a large batch may take. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10)};
    /** The endpoint tag of a request that matched no route: one series for all of them, not one per path. */
    static final String NO_ROUTE = "NOT_FOUND";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final boolean enabled;
    private final Meter.MeterProvider<Timer> requests;
    private final Meter.MeterProvider<Counter> processed;
    private final Meter.MeterProvider<Counter> failed;
    private final Meter.MeterProvider<Counter> mergesRefused;
    private final Meter.MeterProvider<Counter> throttled;
    private final Meter.MeterProvider<Counter> clientsGone;
    private final Meter.MeterProvider<Counter> outsideScope;
    private final @Nullable JvmGcMetrics gc;

    ServerMetrics(boolean enabled, Store store) {
        this.enabled = enabled;
        this.requests = Timer.builder("http.server.requests")
                .description("HTTP requests by endpoint template, method and status")
                .serviceLevelObjectives(BUCKETS)
                .withRegistry(registry);
        this.processed = Counter.builder("tether.records.processed")
                .description("Records of batch requests processed, by endpoint (dry runs and replays not counted)")
                .withRegistry(registry);
        this.failed = Counter.builder("tether.records.failed")
                .description("Records of batch requests left unprocessed, by endpoint and record code")
                .withRegistry(registry);
        this.mergesRefused = Counter.builder("tether.merges.refused")
                .description("Upload records refused because their merge would pass the account's merge limit (554)")
                .withRegistry(registry);
        this.throttled = Counter.builder("tether.requests.throttled")
                .description("Requests refused with 429 for being over a concurrency limit, by endpoint")
                .withRegistry(registry);
        this.clientsGone = Counter.builder("tether.requests.client.gone")
                .description("Requests whose client closed the connection before the answer (a Ctrl-C), by endpoint;"
                        + " also under status 499 in http_server_requests")
                .withRegistry(registry);
        this.outsideScope = Counter.builder("tether.requests.outside.scope")
                .description("Requests refused with 403 because the passcode lacks the scope they need, by scope")
                .withRegistry(registry);
        if (enabled) {
            store.instrument(registry);
            new ClassLoaderMetrics().bindTo(registry);
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            new FileDescriptorMetrics().bindTo(registry);
            this.gc = new JvmGcMetrics();
            gc.bindTo(registry);
        } else {
            this.gc = null;
        }
    }

    /** The registry, for the meters of other parts (webhook delivery). */
    PrometheusMeterRegistry registry() {
        return registry;
    }

    boolean enabled() {
        return enabled;
    }

    String scrape() {
        return registry.scrape();
    }

    /** A finished request, under the template of the route it matched. */
    void request(Context ctx, float millis) {
        if (!enabled) {
            return;
        }
        requests.withTags(Tags.of("uri", endpoint(ctx), "method", ctx.method().name(),
                "status", Integer.toString(ctx.statusCode())))
                .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
        if (ctx.statusCode() == 429) {
            throttled.withTags("uri", endpoint(ctx)).increment();
        }
    }

    /** A request refused for needing a scope its passcode does not have. */
    void outsideScope(Scope scope) {
        if (enabled) {
            outsideScope.withTags("scope", scope.wireName()).increment();
        }
    }

    /** A request whose client went away before its answer. */
    void clientGone(Context ctx) {
        if (enabled) {
            clientsGone.withTags("uri", endpoint(ctx)).increment();
        }
    }

    /** What a batch did, once it committed (not for a dry run, nor for an answer given again for its key). */
    void records(Context ctx, BatchResult result) {
        if (!enabled) {
            return;
        }
        String uri = endpoint(ctx);
        processed.withTags("uri", uri).increment(result.processedCount());
        for (BatchResult.Failure failure : result.unprocessed()) {
            failed.withTags("uri", uri, "code", Integer.toString(failure.code())).increment();
            if (failure.code() == UploadRecord.MERGE_LIMIT_CODE) {
                mergesRefused.withTags().increment();
            }
        }
    }

    /** Records a bulk request processed (delete, demerge), once it committed. */
    void records(Context ctx, int count) {
        if (enabled) {
            processed.withTags("uri", endpoint(ctx)).increment(count);
        }
    }

    /** The route template the request matched ({@code /1/upload}); {@value #NO_ROUTE} when none did. */
    private static String endpoint(Context ctx) {
        Endpoint matched = ctx.endpoints().lastHttpEndpoint();
        return matched == null ? NO_ROUTE : matched.path;
    }

    @Override
    public void close() {
        if (gc != null) {
            gc.close();
        }
        registry.close();
    }
}
