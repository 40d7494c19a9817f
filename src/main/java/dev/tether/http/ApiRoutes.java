package dev.tether.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.access.AccountService;
import dev.tether.account.Account;
import dev.tether.account.Lookup;
import dev.tether.account.Scope;
import dev.tether.audit.AuditJson;
import dev.tether.audit.Counted;
import dev.tether.batch.BatchRequest;
import dev.tether.batch.BatchResult;
import dev.tether.config.Limits;
import dev.tether.delete.DeleteRequest;
import dev.tether.delete.DeleteService;
import dev.tether.demerge.DemergeRequest;
import dev.tether.demerge.DemergeService;
import dev.tether.disassociate.DisassociateRequest;
import dev.tether.disassociate.DisassociateService;
import dev.tether.export.ExportCursor;
import dev.tether.export.ExportKind;
import dev.tether.export.Exports;
import dev.tether.history.HistoryQuery;
import dev.tether.history.HistoryService;
import dev.tether.profile.ProfileReader;
import dev.tether.reassigned.ReassignedRequest;
import dev.tether.reassigned.ReassignedService;
import dev.tether.recycling.CamaraError;
import dev.tether.recycling.RecyclingCheck;
import dev.tether.recycling.RecyclingRequest;
import dev.tether.recycling.RecyclingService;
import dev.tether.store.HistoryEntry;
import dev.tether.subscribe.SubscribeRequest;
import dev.tether.subscribe.SubscribeService;
import dev.tether.upload.UploadRequest;
import dev.tether.upload.UploadService;
import dev.tether.work.IdempotencyKey;
import dev.tether.work.Reply;
import dev.tether.work.Transactions;
import dev.tether.work.UnitOfWork;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The /1/ endpoints: each authenticates, parses its request, runs its operation in one unit of work and renders
 * the result after the commit. No identity rules and no transactions of their own here.
 */
final class ApiRoutes {
    static final String RECORDS_ATTRIBUTE = "tether.records";

    private final Authenticator authenticator;
    private final Transactions transactions;
    private final UploadService uploads;
    private final DisassociateService disassociations = new DisassociateService();
    private final ProfileReader profiles = new ProfileReader();
    private final DeleteService deletions = new DeleteService();
    private final DemergeService demerges = new DemergeService();
    private final SubscribeService subscriptions = new SubscribeService();
    private final HistoryService histories = new HistoryService();
    private final ReassignedService reassignments = new ReassignedService();
    private final RecyclingService recycling = new RecyclingService();
    private final Exports exports;
    private final Limits limits;
    private final Clock clock;
    private final ConcurrencyLimits concurrency;
    private final ServerMetrics metrics;

    ApiRoutes(Authenticator authenticator, Transactions transactions, Exports exports, Limits limits, Clock clock,
              ServerMetrics metrics) {
        this.metrics = metrics;
        this.authenticator = authenticator;
        this.exports = exports;
        this.transactions = transactions;
        this.uploads = new UploadService(limits);
        this.limits = limits;
        this.clock = clock;
        this.concurrency = new ConcurrencyLimits(limits);
    }

    void upload(Context ctx) {
        Account account = authenticator.authenticate(ctx, Scope.WRITE);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), ConcurrencyLimits.Api.UPLOAD)) {
            List<JsonNode> records = parseBatch(ctx);
            long now = clock.instant().getEpochSecond();
            UploadRequest request = UploadRequest.parse(account, records, limits, now);
            sendBatch(ctx, request.records(), account, unit -> uploads.upload(unit,
                    asLocked(unit, account, request, settled -> UploadRequest.parse(settled, records, limits, now))));
        }
    }

    void disassociate(Context ctx) {
        Account account = authenticator.authenticate(ctx, Scope.DISASSOCIATE);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), ConcurrencyLimits.Api.DISASSOCIATE)) {
            List<JsonNode> records = parseBatch(ctx);
            LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
            DisassociateRequest request = DisassociateRequest.parse(account, records, today);
            sendBatch(ctx, request.records(), account, unit -> disassociations.disassociate(unit,
                    asLocked(unit, account, request, settled -> DisassociateRequest.parse(settled, records, today))));
        }
    }

    /**
     * The request as the account's settings are once its unit of work has locked the account: parsed again with them
     * in the rare case that they changed after the request was authenticated (which keys a value is looked up by,
     * whether Phone is an identity), so that no write runs on settings replaced before it began.
     */
    private static <Q> Q asLocked(UnitOfWork unit, Account parsedWith, Q request, Function<Account, Q> parse) {
        return unit.account().equals(parsedWith) ? request : parse.apply(unit.account());
    }

    /** Runs a batch write as one unit of work and answers its envelope (stored under its Idempotency-Key). */
    private void sendBatch(Context ctx, List<JsonNode> records, Account account,
                           Function<UnitOfWork, BatchResult> work) {
        ctx.attribute(RECORDS_ATTRIBUTE, records.size());
        boolean dryRun = Requests.dryRun(ctx);
        Optional<IdempotencyKey> key = Requests.idempotencyKey(ctx);
        AtomicReference<BatchResult> committed = new AtomicReference<>();
        Reply reply = transactions.answer(account, dryRun, key, Authenticator.attribution(ctx, key), work,
                Counted::of, result -> {
            committed.set(result);
            return Json.text(Json.envelope(result));
        });
        BatchResult result = committed.get();
        if (!dryRun && !reply.replayed() && result != null) {
            metrics.records(ctx, result);
        }
        sendReply(ctx, reply);
    }

    /** Runs a bulk write as one unit of work and answers {@code {"status":"success","processed":n}}. */
    private void sendProcessed(Context ctx, Account account, Function<UnitOfWork, Integer> work) {
        boolean dryRun = Requests.dryRun(ctx);
        Optional<IdempotencyKey> key = Requests.idempotencyKey(ctx);
        AtomicReference<Integer> committed = new AtomicReference<>();
        Reply reply = transactions.answer(account, dryRun, key, Authenticator.attribution(ctx, key), work,
                processed -> new Counted(processed, 0), processed -> {
            committed.set(processed);
            return Json.text(success(body -> body.put("processed", processed)));
        });
        Integer processed = committed.get();
        if (processed != null) {
            ctx.attribute(RECORDS_ATTRIBUTE, processed);
            if (!dryRun && !reply.replayed()) {
                metrics.records(ctx, processed);
            }
        }
        sendReply(ctx, reply);
    }

    /** A write's answer; one given again for a retry with its Idempotency-Key says so in a header. */
    private static void sendReply(Context ctx, Reply reply) {
        if (reply.replayed()) {
            ctx.header("Idempotent-Replayed", "true");
        }
        ctx.status(reply.status()).contentType("application/json").result(reply.body());
    }

    void subscribe(Context ctx) {
        Account account = authenticator.authenticate(ctx, Scope.WRITE);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), ConcurrencyLimits.Api.SUBSCRIBE)) {
            SubscribeRequest request = SubscribeRequest.parse(parseBatch(ctx));
            sendBatch(ctx, request.records(), account, unit -> subscriptions.subscribe(unit, request));
        }
    }

    void demergeProfiles(Context ctx) {
        Account account = authenticator.authenticate(ctx, Scope.DELETE);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), ConcurrencyLimits.Api.DEMERGE)) {
            JsonNode body = Requests.jsonBody(ctx);
            DemergeRequest request = DemergeRequest.parse(account, body, limits.valuesPerBulkRequest());
            sendProcessed(ctx, account, unit -> demerges.demerge(unit, asLocked(unit, account, request,
                    settled -> DemergeRequest.parse(settled, body, limits.valuesPerBulkRequest()))));
        }
    }

    void deleteProfiles(Context ctx) {
        Account account = authenticator.authenticate(ctx, Scope.DELETE);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), ConcurrencyLimits.Api.DELETE)) {
            JsonNode body = Requests.jsonBody(ctx);
            DeleteRequest request = DeleteRequest.parse(account, body, limits.valuesPerBulkRequest());
            sendProcessed(ctx, account, unit -> deletions.delete(unit, asLocked(unit, account, request,
                    settled -> DeleteRequest.parse(settled, body, limits.valuesPerBulkRequest()))));
        }
    }



    private List<JsonNode> parseBatch(Context ctx) {
        return BatchRequest.records(Requests.jsonBody(ctx), limits.recordsPerRequest());
    }

    void profile(Context ctx) {
        Account account = authenticator.authenticate(ctx, Scope.READ);
        Map<String, String> query = Requests.query(ctx);
        Map.Entry<Lookup, String> lookup = Lookup.given(query)
                .orElseThrow(() -> ApiError.badRequest(Lookup.NOT_ONE));
        Optional<ObjectNode> record = transactions.read(account,
                unit -> profiles.find(unit, lookup.getKey(), lookup.getValue()));
        if (record.isEmpty()) {
            throw new ApiError(404, "Profile not found");
        }
        sendSuccess(ctx, body -> body.set("record", record.get()));
    }

    /**
     * Tether's own {@code GET /1/account.json}: the account the credentials name, so that a client (the console's
     * sign-in) can check them without touching any profile.
     */
    void account(Context ctx) {
        Account account = authenticator.authenticate(ctx, Scope.READ);
        AccountService.Caller caller = Authenticator.caller(ctx);
        sendSuccess(ctx, body -> {
            body.putObject("account").put("id", account.id()).put("name", account.name())
                    .put("region", account.region()).put("emailIsIdentity", account.emailIsIdentity())
                    .put("phoneIsIdentity", account.phoneIsIdentity())
                    .put("conflictPolicy", account.conflictPolicy().storedName());
            ObjectNode passcode = body.putObject("passcode").put("name", caller.name());
            ArrayNode scopes = passcode.putArray("scopes");
            Scope.inOrder(caller.scopes()).forEach(scope -> scopes.add(scope.wireName()));
        });
    }

    /**
     * Tether's own {@code GET /1/audit.json} (docs/API.md section 20): the account's audit trail a page at a time,
     * from {@code from} to {@code to} or from a cursor, with the cursor of the next page while there may be one.
     */
    void audit(Context ctx) {
        Account account = authenticator.authenticate(ctx, Scope.AUDIT);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), ConcurrencyLimits.Api.AUDIT)) {
            Map<String, String> parameters = Requests.query(ctx);
            Optional<String> token = Optional.ofNullable(parameters.get("cursor"));
            ExportCursor cursor = token.isPresent() ? exports.open(token.get(), account.id(), ExportKind.AUDIT)
                    : exports.startAudit(account.id(), parameters, clock.instant().getEpochSecond());
            ObjectNode body = success(b -> { });
            ArrayNode records = body.putArray("records");
            Optional<String> next = transactions.read(account, unit -> exports.audit(unit, cursor,
                    entry -> AuditJson.write(records.addObject(), entry)));
            next.ifPresent(n -> body.put("next_cursor", n));
            ctx.attribute(RECORDS_ATTRIBUTE, records.size());
            Json.send(ctx, 200, body);
        }
    }

    void exportEvents(Context ctx) {
        export(ctx, ExportKind.EVENTS, ConcurrencyLimits.Api.EVENTS_EXPORT);
    }

    void exportProfiles(Context ctx) {
        export(ctx, ExportKind.PROFILES, ConcurrencyLimits.Api.PROFILES_EXPORT);
    }

    /**
     * An export: without a cursor it starts (the first cursor, nothing read); with one it streams that page, once
     * the cursor is checked and the server has a turn to stream.
     */
    private void export(Context ctx, ExportKind kind, ConcurrencyLimits.Api api) {
        Account account = authenticator.authenticate(ctx, Scope.READ);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), api)) {
            Optional<String> token = Optional.ofNullable(Requests.query(ctx).get("cursor"));
            if (token.isEmpty()) {
                sendSuccess(ctx, body -> body.put("cursor", startExport(ctx, account, kind)));
                return;
            }
            ExportCursor cursor = exports.open(token.get(), account.id(), kind);
            try (ConcurrencyLimits.Slot stream = concurrency.acquireStream()) {
                PageWriter page = new PageWriter(ctx);
                Optional<String> next = transactions.read(account, unit -> {
                    page.beginRead();
                    return kind == ExportKind.EVENTS ? exports.events(unit, cursor, page::event)
                            : exports.profiles(unit, cursor, page::profile);
                });
                page.finish(next);
                ctx.attribute(RECORDS_ATTRIBUTE, page.records());
            }
        }
    }

    void countEvents(Context ctx) {
        count(ctx, ExportKind.EVENTS);
    }

    void countProfiles(Context ctx) {
        count(ctx, ExportKind.PROFILES);
    }

    private void count(Context ctx, ExportKind kind) {
        Account account = authenticator.authenticate(ctx, Scope.READ);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), ConcurrencyLimits.Api.COUNTS)) {
            JsonNode query = Requests.jsonBody(ctx);
            long count = transactions.read(account, unit -> exports.count(unit, kind, query));
            sendSuccess(ctx, body -> body.put("count", count));
        }
    }

    /**
     * The first cursor of an export: the query is the body of a POST, or the {@code query} parameter of a GET (the
     * Node library's form), and {@code batch_size} a parameter of either.
     */
    private String startExport(Context ctx, Account account, ExportKind kind) {
        Map<String, String> parameters = Requests.query(ctx);
        JsonNode query;
        if (ctx.method() == HandlerType.GET) {
            String text = parameters.get("query");
            if (text == null) {
                throw ApiError.badRequest("Give cursor, or query (URL-encoded JSON) and batch_size");
            }
            query = Requests.parseJson(text.getBytes(StandardCharsets.UTF_8));
        } else {
            query = Requests.jsonBody(ctx);
        }
        return exports.start(account.id(), kind, query, Optional.ofNullable(parameters.get("batch_size")));
    }

    /** HTTP 200 with {@code {"status":"success", ...}}, the rest of the body filled in by the caller. */
    private static void sendSuccess(Context ctx, Consumer<ObjectNode> fill) {
        Json.send(ctx, 200, success(fill));
    }

    /** {@code {"status":"success", ...}}, the rest filled in by the caller. */
    private static ObjectNode success(Consumer<ObjectNode> fill) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("status", "success");
        fill.accept(body);
        return body;
    }

    void history(Context ctx) {
        Account account = authenticator.authenticate(ctx, Scope.READ);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), ConcurrencyLimits.Api.HISTORY)) {
            HistoryQuery query = HistoryQuery.parse(account, Requests.query(ctx));
            List<HistoryEntry> history = transactions.read(account, unit -> histories.history(unit, query));
            ctx.attribute(RECORDS_ATTRIBUTE, history.size());
            sendSuccess(ctx, body -> {
                ArrayNode entries = body.putArray("history");
                history.forEach(entry -> Json.historyEntry(entries.addObject(), entry));
            });
        }
    }

    void reassigned(Context ctx) {
        Account account = authenticator.authenticate(ctx, Scope.READ);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), ConcurrencyLimits.Api.REASSIGNED)) {
            ReassignedRequest request = ReassignedRequest.parse(parseBatch(ctx));
            ReassignedService.Result result = transactions.read(account, unit -> reassignments.check(unit, request));
            ctx.attribute(RECORDS_ATTRIBUTE, request.records().size());
            metrics.records(ctx, result.batch());
            ObjectNode body = Json.envelope(result.batch());
            ArrayNode results = body.putArray("results");
            for (ReassignedService.Answer answer : result.answers()) {
                results.addObject().put("phone", answer.phone().value()).put("date", answer.date())
                        .put("reassigned", answer.verdict().wireName());
            }
            Json.send(ctx, 200, body);
        }
    }

    /**
     * CAMARA's number recycling check (docs/API.md section 12a): CAMARA's request and answer, its errors in CAMARA's shape
     * ({@link CamaraPath}), the {@code x-correlator} echoed on every answer the route gives.
     */
    void numberRecycling(Context ctx) {
        CamaraPath.correlate(ctx);
        Account account = authenticator.authenticate(ctx, Scope.READ);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), ConcurrencyLimits.Api.NUMBER_RECYCLING)) {
            RecyclingRequest request = RecyclingRequest.parse(Requests.jsonBody(ctx));
            LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
            RecyclingCheck.Answer answer = transactions.read(account, unit -> recycling.check(unit, request, today));
            ctx.attribute(RECORDS_ATTRIBUTE, 1);
            if (answer instanceof RecyclingCheck.Answer.OutOfRange outOfRange) {
                throw new CamaraError(400, "OUT_OF_RANGE", outOfRange.why());
            }
            if (answer instanceof RecyclingCheck.Answer.NeverKnown) {
                throw new CamaraError(404, "IDENTIFIER_NOT_FOUND", "This account never knew the phone number");
            }
            Json.send(ctx, 200, Json.MAPPER.createObjectNode().put("phoneNumberRecycled",
                    ((RecyclingCheck.Answer.Recycled) answer).recycled()));
        }
    }
}
