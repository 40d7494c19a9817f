package dev.tether.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.account.Account;
import dev.tether.batch.BatchRequest;
import dev.tether.batch.BatchResult;
import dev.tether.config.Limits;
import dev.tether.delete.DeleteService;
import dev.tether.disassociate.DisassociateService;
import dev.tether.profile.ProfileReader;
import dev.tether.upload.UploadService;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The /1/ endpoints: each parses, authenticates, calls its service and writes the envelope. No rules here. */
final class ApiRoutes {
    static final String RECORDS_ATTRIBUTE = "tether.records";

    private final Authenticator authenticator;
    private final UploadService uploads;
    private final DisassociateService disassociations;
    private final ProfileReader profiles;
    private final DeleteService deletions;
    private final Limits limits;
    private final ConcurrencyLimits concurrency;

    ApiRoutes(Authenticator authenticator, UploadService uploads, DisassociateService disassociations,
              ProfileReader profiles, DeleteService deletions, Limits limits) {
        this.authenticator = authenticator;
        this.uploads = uploads;
        this.disassociations = disassociations;
        this.profiles = profiles;
        this.deletions = deletions;
        this.limits = limits;
        this.concurrency = new ConcurrencyLimits(limits);
    }

    @FunctionalInterface
    private interface BatchOperation {
        BatchResult apply(Account account, List<JsonNode> records, boolean dryRun);
    }

    void upload(Context ctx) {
        batch(ctx, uploads::upload);
    }

    void disassociate(Context ctx) {
        batch(ctx, disassociations::disassociate);
    }

    private void batch(Context ctx, BatchOperation operation) {
        Account account = authenticator.authenticate(ctx);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), ConcurrencyLimits.Group.BATCH)) {
            List<JsonNode> records = parseBatch(ctx);
            ctx.attribute(RECORDS_ATTRIBUTE, records.size());
            Json.send(ctx, 200, Json.envelope(operation.apply(account, records, Requests.dryRun(ctx))));
        }
    }

    void deleteProfiles(Context ctx) {
        Account account = authenticator.authenticate(ctx);
        try (ConcurrencyLimits.Slot slot = concurrency.acquire(account.id(), ConcurrencyLimits.Group.BULK)) {
            DeleteService.Request request = deletions.parse(account, Requests.jsonBody(ctx));
            int deleted = deletions.delete(account, request, Requests.dryRun(ctx));
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
        Optional<ObjectNode> record = profiles.find(account, lookup, query.get(lookup.parameter()));
        if (record.isEmpty()) {
            throw new ApiError(404, "Profile not found");
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("status", "success");
        body.set("record", record.get());
        Json.send(ctx, 200, body);
    }
}
