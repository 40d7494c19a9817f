package dev.tether.http;

import dev.tether.access.AccountService;
import dev.tether.batch.InvalidRequestException;
import dev.tether.config.Limits;
import dev.tether.export.CursorCodec;
import dev.tether.export.Exports;
import dev.tether.recycling.CamaraError;
import dev.tether.store.StorageUnavailableException;
import dev.tether.store.Store;
import dev.tether.work.IdempotencyKeyInFlightException;
import dev.tether.work.IdempotencyKeyReusedException;
import dev.tether.work.Transactions;
import dev.tether.webhook.WebhookConfig;
import dev.tether.webhook.WebhookDispatcher;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP server: routes, authentication, error mapping and the request log. */
public final class TetherServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TetherServer.class);
    private static final Logger REQUESTS = LoggerFactory.getLogger("tether.requests");
    private static final long STOP_TIMEOUT_MS = 30_000;

    private final Javalin app;
    /**
     * The 503 of a write whose connection broke during its commit: the database may have applied it whole, so the
     * answer must not say that nothing was written (a retry with the same Idempotency-Key is safe either way).
     */
    static final String OUTCOME_UNKNOWN = "Storage unavailable during the commit; the write may have been applied"
            + " whole: retry with the same Idempotency-Key";

    /** How often the server looks for tables that outgrew their statistics. */
    static final int STATISTICS_CHECK_SECONDS = 5;

    private final ScheduledExecutorService upkeep;
    private final WebhookDispatcher webhooks;
    private final ServerMetrics metrics;
    private final RequestLog requestLog;
    /** Requests finished that were neither errors nor slow: what a sampled request log counts. */
    private final AtomicLong ordinaryRequests = new AtomicLong();

    /** How long the audit trail is kept unless the server is told otherwise ({@code --audit-retention-days}). */
    public static final Duration DEFAULT_AUDIT_RETENTION = Duration.ofDays(400);

    public TetherServer(Store store, String region, Limits limits, Clock clock, WebhookConfig webhookConfig,
                        Telemetry telemetry) {
        this(store, region, limits, clock, webhookConfig, telemetry, DEFAULT_AUDIT_RETENTION);
    }

    public TetherServer(Store store, String region, Limits limits, Clock clock, WebhookConfig webhookConfig,
                        Telemetry telemetry, Duration auditRetention) {
        AccountService accounts = new AccountService(store, clock);
        Exports exports = new Exports(new CursorCodec(accounts.sharedKey(CursorCodec.KEY_NAME), clock));
        this.metrics = new ServerMetrics(telemetry.metrics(), store);
        this.requestLog = telemetry.requestLog();
        this.webhooks = new WebhookDispatcher(store, webhookConfig.secrets(), webhookConfig.settings(), clock,
                metrics.registry());
        Transactions transactions = new Transactions(store, clock, webhooks::wake);
        if (metrics.enabled()) {
            transactions.instrument(metrics.registry());
        }
        ApiRoutes api = new ApiRoutes(new Authenticator(accounts, region, metrics), transactions, exports, limits, clock,
                metrics);
        Console console = new Console();
        ApiDescription description = new ApiDescription();
        this.upkeep = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "tether-upkeep");
            thread.setDaemon(true);
            return thread;
        });
        upkeep.scheduleWithFixedDelay(() -> purgeExpiredKeys(transactions), 1, 10, TimeUnit.MINUTES);
        upkeep.scheduleWithFixedDelay(() -> purgeAuditTrail(transactions, auditRetention), 2, 10, TimeUnit.MINUTES);
        upkeep.scheduleWithFixedDelay(() -> refreshStatistics(store), 1, 60, TimeUnit.MINUTES);
        upkeep.scheduleWithFixedDelay(() -> analyzeGrownTables(store), 0, STATISTICS_CHECK_SECONDS, TimeUnit.SECONDS);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.router.ignoreTrailingSlashes = true;
            config.http.prefer405over404 = true;
            config.http.maxRequestSize = limits.maxBodyBytes();
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(STOP_TIMEOUT_MS);
                server.setErrorHandler(new JsonErrorHandler());
            });
            config.requestLogger.http(this::finished);
            config.routes.before(RequestIds::assign);
            config.routes.get("/health", ctx -> health(ctx, store));
            if (metrics.enabled()) {
                config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(metrics.scrape()));
            }
            config.routes.get(ApiDescription.PATH, description::send);
            config.routes.get(Console.PATH, console::page);
            config.routes.get(Console.PATH + "/console.js", console::script);
            config.routes.get(Console.PATH + "/console.css", console::style);
            config.routes.get("/1/account.json", api::account);
            config.routes.post("/1/upload", api::upload);
            config.routes.post("/1/disassociate", api::disassociate);
            config.routes.get("/1/profile.json", api::profile);
            config.routes.post("/1/delete/profiles.json", api::deleteProfiles);
            config.routes.post("/1/demerge/profiles.json", api::demergeProfiles);
            config.routes.post("/1/subscribe", api::subscribe);
            config.routes.get("/1/events.json", api::exportEvents);
            config.routes.post("/1/events.json", api::exportEvents);
            config.routes.get("/1/profiles.json", api::exportProfiles);
            config.routes.post("/1/profiles.json", api::exportProfiles);
            config.routes.post("/1/counts/events.json", api::countEvents);
            config.routes.post("/1/counts/profiles.json", api::countProfiles);
            config.routes.get("/1/identity/history.json", api::history);
            config.routes.post("/1/identity/reassigned.json", api::reassigned);
            config.routes.post(CamaraPath.RECYCLING_CHECK, api::numberRecycling);
            config.routes.get("/1/audit.json", api::audit);
            config.routes.exception(ApiError.class, (e, ctx) -> {
                if (e.status() == 429) {
                    ctx.header("Retry-After", "1");
                    // read the body the refusal did not need: answered and closed with it unread, the connection is
                    // reset while the client still sends, and the client may lose the 429 with it
                    ctx.bodyAsBytes();
                }
                sendError(ctx, e.status(), String.valueOf(e.getMessage()));
            });
            config.routes.exception(CamaraError.class, (e, ctx) -> Json.send(ctx, e.status(), CamaraPath.error(e)));
            config.routes.exception(IdempotencyKeyReusedException.class, (e, ctx) -> Json.send(ctx, 409,
                    Json.error(409, String.valueOf(e.getMessage()))));
            config.routes.exception(IdempotencyKeyInFlightException.class, (e, ctx) -> {
                ctx.header("Retry-After", "1");
                Json.send(ctx, 409, Json.error(409, String.valueOf(e.getMessage())));
            });
            config.routes.exception(InvalidRequestException.class, (e, ctx) -> sendError(ctx, 400,
                    String.valueOf(e.getMessage())));
            config.routes.exception(HttpResponseException.class, TetherServer::frameworkError);
            config.routes.exception(ClientGoneException.class, this::clientGone);
            config.routes.exception(EofException.class, this::clientGone);
            config.routes.exception(StorageUnavailableException.class, (e, ctx) -> {
                LOG.warn("storage unavailable on {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                sendError(ctx, 503, e.outcomeUnknown() ? OUTCOME_UNKNOWN
                        : "Storage unavailable; nothing was written, retry later");
            });
            config.routes.exception(Exception.class, this::unexpected);
        });
    }

    /** Expired Idempotency-Keys go every 10 minutes, in short transactions; a failure waits for the next turn. */
    private static void purgeExpiredKeys(Transactions transactions) {
        try {
            int purged = transactions.purgeExpiredKeys();
            if (purged > 0) {
                LOG.info("purged {} expired idempotency keys", purged);
            }
        } catch (RuntimeException e) {
            LOG.warn("purging expired idempotency keys failed; trying again later: {}", e.getMessage());
        }
    }

    /** Audit entries past their retention go every 10 minutes, in short transactions, as expired keys do. */
    private static void purgeAuditTrail(Transactions transactions, Duration retention) {
        try {
            int purged = transactions.purgeAuditTrail(retention);
            if (purged > 0) {
                LOG.info("purged {} audit entries older than {} days", purged, retention.toDays());
            }
        } catch (RuntimeException e) {
            LOG.warn("purging the audit trail failed; trying again later: {}", e.getMessage());
        }
    }

    /** The planner's statistics, every hour where the backend does not keep them itself (SQLite). */
    private static void refreshStatistics(Store store) {
        try {
            store.refreshStatistics();
        } catch (RuntimeException e) {
            LOG.warn("refreshing the planner's statistics failed; trying again later: {}", e.getMessage());
        }
    }

    /**
     * The tables that outgrew their statistics, analyzed: on PostgreSQL, a fresh database's tables get their first
     * statistics within seconds instead of at autovacuum's first visit, a minute or more later.
     */
    private static void analyzeGrownTables(Store store) {
        try {
            List<String> analyzed = store.analyzeGrownTables();
            if (!analyzed.isEmpty()) {
                LOG.info("analyzed {}: they had grown since their last statistics", String.join(", ", analyzed));
            }
        } catch (RuntimeException e) {
            LOG.warn("checking the tables' statistics failed; trying again later: {}", e.getMessage());
        }
    }

    private static void health(Context ctx, Store store) {
        boolean up = store.isAvailable();
        Json.send(ctx, up ? 200 : 503, up ? Json.MAPPER.createObjectNode().put("status", "ok")
                : Json.error(503, "Storage unavailable"));
    }

    /** Javalin's own answers (404 no such path, 405 wrong method, 413 body too large) in the one error shape. */
    private static void frameworkError(HttpResponseException e, Context ctx) {
        int status = e.getStatus();
        String message;
        switch (status) {
            case 404: message = "Not found: " + ctx.method() + " " + ctx.path(); break;
            case 405: message = "Method " + ctx.method() + " not allowed on " + ctx.path(); break;
            case 413: message = "Request body is over the limit"; break;
            default: message = String.valueOf(e.getMessage());
        }
        sendError(ctx, status, message);
    }

    /** The one error shape, or CAMARA's on its paths ({@link CamaraPath}). */
    private static void sendError(Context ctx, int status, String message) {
        Json.send(ctx, status, CamaraPath.owns(ctx) ? CamaraPath.error(status, message) : Json.error(status, message));
    }

    /**
     * The client closed its connection while its body was read or its answer written (a Ctrl-C): nobody is left to
     * answer and nothing failed on this side. One line at info, 499 in the request meters and log (nginx's "client
     * closed request"), counted apart; never a 5xx for an alert to fire on (DECISIONS.md, "A client that goes away").
     */
    private void clientGone(Exception e, Context ctx) {
        LOG.info("client gone: {} {} ({})", ctx.method(), ctx.path(), e.getMessage());
        ctx.status(CLIENT_GONE);
        metrics.clientGone(ctx);
    }

    /** nginx's status for a request whose client closed the connection before the answer; never sent. */
    static final int CLIENT_GONE = 499;

    private void unexpected(Exception e, Context ctx) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof EofException) {
                clientGone(e, ctx);
                return;
            }
        }
        String incident = RequestIds.randomHex(1);
        LOG.error("incident {}: {} {} failed (request {})", incident, ctx.method(), ctx.path(),
                RequestIds.of(ctx).orElse("-"), e);
        if (CamaraPath.owns(ctx)) {
            sendError(ctx, 500, "Internal error, incident " + incident);
            return;
        }
        var body = Json.error(500, "Internal error, incident " + incident);
        body.put("incident", incident);
        Json.send(ctx, 500, body);
    }

    /** Every route this server answers, as {@code "GET /health"} (the test that holds /openapi.json to them). */
    public List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(handler -> handler.endpoint.method.isHttpMethod())
                .map(handler -> handler.endpoint.method.name() + " " + handler.endpoint.path).toList();
    }

    /** A finished request: measured, and logged as {@code --request-log} says. */
    private void finished(Context ctx, Float millis) {
        metrics.request(ctx, millis);
        int status = ctx.statusCode();
        if (requestLog.logs(status, millis, ordinaryRequests)) {
            logRequest(ctx, status, millis);
        }
    }

    /**
     * One line: method, path, account, status, records, duration, request id; in a JSON log the same as fields. Never
     * a passcode.
     */
    private static void logRequest(Context ctx, int status, float millis) {
        Object account = orDash(ctx.attribute(Authenticator.ACCOUNT_ATTRIBUTE));
        Object records = orDash(ctx.attribute(ApiRoutes.RECORDS_ATTRIBUTE));
        String request = RequestIds.of(ctx).orElse("-");
        String ms = String.format("%.1f", millis);
        REQUESTS.atInfo()
                .addKeyValue("method", ctx.method().name())
                .addKeyValue("path", ctx.path())
                .addKeyValue("account", account)
                .addKeyValue("status", status)
                .addKeyValue("records", records)
                .addKeyValue("ms", Math.round(millis * 10) / 10.0)
                .addKeyValue("request", request)
                .log("{} {} account={} status={} records={} ms={} request={}", ctx.method(), ctx.path(), account,
                        status, records, ms, request);
    }

    private static Object orDash(@Nullable Object value) {
        return value == null ? "-" : value;
    }

    public TetherServer start(String host, int port) {
        app.start(host, port);
        webhooks.start();
        return this;
    }

    /**
     * How long, at a stop, a connection may go without reading or writing before it is closed: Jetty's 1 s by
     * default, which a stop waits out for a client that kept its connection open. Jetty applies it to every
     * connection, a request still sending its body too, so a deployment keeps the default; the tests, which stop a
     * server after most tests, shorten it.
     */
    public void shutdownIdleTimeout(Duration timeout) {
        for (Connector connector : app.jettyServer().server().getConnectors()) {
            if (connector instanceof AbstractConnector listening) {
                listening.setShutdownIdleTimeout(timeout.toMillis());
            }
        }
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        upkeep.shutdownNow();
        app.stop();
        webhooks.close();
        metrics.close();
    }
}
