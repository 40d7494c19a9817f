package dev.tether.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.account.Account;
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
import dev.tether.profile.ProfileReader;
import dev.tether.subscribe.SubscribeRequest;
import dev.tether.subscribe.SubscribeService;
import dev.tether.upload.UploadRequest;
import dev.tether.upload.UploadService;
import dev.tether.work.Transactions;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

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
    private final Exports exports;
    private final Limits limits;
    private final Clock clock;
    private final ConcurrencyLimits concurrency;

    ApiRoutes(Authenticator authenticator, Transactions transactions, Exports exports, Limits limits, Clock clock) {
        this.authenticator = authenticator;
        this.exports = exports;
        this.transactions = transactions;
        this.uploads = new UploadService(limits);
        this.limits = limits;
        this.clock = clock;
        this.concurrency = new ConcurrencyLimits(limits);
    }

    void upload(Context ctx) {
        Account account = authenticator.authenticate(ctx);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), ConcurrencyLimits.Api.UPLOAD)) {
            UploadRequest request = UploadRequest.parse(account, parseBatch(ctx), limits,
                    clock.instant().getEpochSecond());
            sendBatch(ctx, request.records(), transactions.write(account, Requests.dryRun(ctx),
                    unit -> uploads.upload(unit, request)).result());
        }
    }

    void disassociate(Context ctx) {
        Account account = authenticator.authenticate(ctx);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), ConcurrencyLimits.Api.DISASSOCIATE)) {
            DisassociateRequest request = DisassociateRequest.parse(account, parseBatch(ctx));
            sendBatch(ctx, request.records(), transactions.write(account, Requests.dryRun(ctx),
                    unit -> disassociations.disassociate(unit, request)).result());
        }
    }

    private static void sendBatch(Context ctx, List<JsonNode> records, BatchResult result) {
        ctx.attribute(RECORDS_ATTRIBUTE, records.size());
        Json.send(ctx, 200, Json.envelope(result));
    }

    void subscribe(Context ctx) {
        Account account = authenticator.authenticate(ctx);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), ConcurrencyLimits.Api.SUBSCRIBE)) {
            SubscribeRequest request = SubscribeRequest.parse(parseBatch(ctx));
            sendBatch(ctx, request.records(), transactions.write(account, Requests.dryRun(ctx),
                    unit -> subscriptions.subscribe(unit, request)).result());
        }
    }

    void demergeProfiles(Context ctx) {
        Account account = authenticator.authenticate(ctx);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), ConcurrencyLimits.Api.DEMERGE)) {
            DemergeRequest request = DemergeRequest.parse(account, Requests.jsonBody(ctx),
                    limits.valuesPerBulkRequest());
            sendProcessed(ctx, transactions.write(account, Requests.dryRun(ctx),
                    unit -> demerges.demerge(unit, request)).result());
        }
    }

    void deleteProfiles(Context ctx) {
        Account account = authenticator.authenticate(ctx);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), ConcurrencyLimits.Api.DELETE)) {
            DeleteRequest request = DeleteRequest.parse(account, Requests.jsonBody(ctx), limits.valuesPerBulkRequest());
            sendProcessed(ctx, transactions.write(account, Requests.dryRun(ctx),
                    unit -> deletions.delete(unit, request)).result());
        }
    }

    /** {@code {"status":"success","processed":n}}: how many profiles a bulk request changed. */
    private static void sendProcessed(Context ctx, int processed) {
        ctx.attribute(RECORDS_ATTRIBUTE, processed);
        sendSuccess(ctx, body -> body.put("processed", processed));
    }

    private List<JsonNode> parseBatch(Context ctx) {
        return BatchRequest.records(Requests.jsonBody(ctx), limits.recordsPerRequest());
    }

    void profile(Context ctx) {
        Account account = authenticator.authenticate(ctx);
        Map<String, String> query = Requests.query(ctx);
        List<ProfileReader.Lookup> given = Arrays.stream(ProfileReader.Lookup.values())
                .filter(lookup -> !query.getOrDefault(lookup.parameter(), "").isEmpty())
                .toList();
        if (given.size() != 1) {
            throw ApiError.badRequest("Give exactly one of identity, email, phone or objectId");
        }
        ProfileReader.Lookup lookup = given.get(0);
        Optional<ObjectNode> record = transactions.read(account,
                unit -> profiles.find(unit, lookup, query.getOrDefault(lookup.parameter(), "")));
        if (record.isEmpty()) {
            throw new ApiError(404, "Profile not found");
        }
        sendSuccess(ctx, body -> body.set("record", record.get()));
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
        Account account = authenticator.authenticate(ctx);
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
        Account account = authenticator.authenticate(ctx);
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
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("status", "success");
        fill.accept(body);
        Json.send(ctx, 200, body);
    }
}
