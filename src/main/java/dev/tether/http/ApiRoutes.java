package dev.tether.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.account.Account;
import dev.tether.batch.BatchRequest;
import dev.tether.batch.BatchResult;
import dev.tether.config.Limits;
import dev.tether.delete.DeleteRequest;
import dev.tether.delete.DeleteService;
import dev.tether.disassociate.DisassociateRequest;
import dev.tether.disassociate.DisassociateService;
import dev.tether.profile.ProfileReader;
import dev.tether.upload.UploadRequest;
import dev.tether.upload.UploadService;
import dev.tether.work.Transactions;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    private final Limits limits;
    private final Clock clock;
    private final ConcurrencyLimits concurrency;

    ApiRoutes(Authenticator authenticator, Transactions transactions, Limits limits, Clock clock) {
        this.authenticator = authenticator;
        this.transactions = transactions;
        this.uploads = new UploadService(limits);
        this.limits = limits;
        this.clock = clock;
        this.concurrency = new ConcurrencyLimits(limits);
    }

    void upload(Context ctx) {
        Account account = authenticator.authenticate(ctx);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), ConcurrencyLimits.Group.BATCH)) {
            UploadRequest request = UploadRequest.parse(account, parseBatch(ctx), limits,
                    clock.instant().getEpochSecond());
            sendBatch(ctx, request.records(), transactions.write(account, Requests.dryRun(ctx),
                    unit -> uploads.upload(unit, request)).result());
        }
    }

    void disassociate(Context ctx) {
        Account account = authenticator.authenticate(ctx);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), ConcurrencyLimits.Group.BATCH)) {
            DisassociateRequest request = DisassociateRequest.parse(account, parseBatch(ctx));
            sendBatch(ctx, request.records(), transactions.write(account, Requests.dryRun(ctx),
                    unit -> disassociations.disassociate(unit, request)).result());
        }
    }

    private static void sendBatch(Context ctx, List<JsonNode> records, BatchResult result) {
        ctx.attribute(RECORDS_ATTRIBUTE, records.size());
        Json.send(ctx, 200, Json.envelope(result));
    }

    void deleteProfiles(Context ctx) {
        Account account = authenticator.authenticate(ctx);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), ConcurrencyLimits.Group.BULK)) {
            DeleteRequest request = DeleteRequest.parse(account, Requests.jsonBody(ctx), limits.valuesPerBulkRequest());
            int deleted = transactions.write(account, Requests.dryRun(ctx),
                    unit -> deletions.delete(unit, request)).result();
            ctx.attribute(RECORDS_ATTRIBUTE, deleted);
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("status", "success");
            body.put("processed", deleted);
            Json.send(ctx, 200, body);
        }
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
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("status", "success");
        body.set("record", record.get());
        Json.send(ctx, 200, body);
    }
}
