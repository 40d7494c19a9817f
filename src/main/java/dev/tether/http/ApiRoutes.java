package dev.tether.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.account.Account;
import dev.tether.batch.BatchRequest;
import dev.tether.batch.BatchResult;
import dev.tether.config.Limits;
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
    private final Limits limits;

    ApiRoutes(Authenticator authenticator, UploadService uploads, DisassociateService disassociations,
              ProfileReader profiles, Limits limits) {
        this.authenticator = authenticator;
        this.uploads = uploads;
        this.disassociations = disassociations;
        this.profiles = profiles;
        this.limits = limits;
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
        List<JsonNode> records = parseBatch(ctx);
        ctx.attribute(RECORDS_ATTRIBUTE, records.size());
        Json.send(ctx, 200, Json.envelope(operation.apply(account, records, Requests.dryRun(ctx))));
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
