package dev.tether.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.account.ConflictPolicy;
import dev.tether.check.InvariantViolation;
import dev.tether.model.IdentityModel.Key;
import dev.tether.model.IdentityModel.Kind;
import dev.tether.model.IdentityModel.Profile;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Runs sequences of {@link Step}s against a real server and the {@link IdentityModel} side by side, compares them
 * after every step (each request's answer; who holds each value; every profile's properties, events and merges),
 * runs the invariant checker at the end, and shrinks a failing sequence to a short one that still fails.
 */
public final class ModelCheck {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_SHRINK_RUNS = 400;

    private final TestServer server;

    public ModelCheck(TestServer server) {
        this.server = server;
    }

    /** A sequence that disagreed with the model: the shrunk steps and what went wrong on them. */
    public record Failure(ConflictPolicy policy, List<Step> original, List<Step> shrunk, String problem) {
        public String report(long seed) {
            StringBuilder text = new StringBuilder("The server disagrees with the model (seed " + seed + ", policy "
                    + policy + "), " + original.size() + " steps shrunk to " + shrunk.size() + ":\n");
            for (int i = 0; i < shrunk.size(); i++) {
                text.append("  ").append(i + 1).append(". ").append(shrunk.get(i)).append('\n');
            }
            return text.append(problem).toString();
        }
    }

    public static List<Step> randomSteps(Random random, int maxLength) {
        List<Step> steps = new ArrayList<>();
        for (int i = 1 + random.nextInt(maxLength); i > 0; i--) {
            steps.add(Step.random(random));
        }
        return steps;
    }

    /** Runs one sequence; on a disagreement, shrinks it. */
    public Optional<Failure> check(ConflictPolicy policy, List<Step> steps) {
        Optional<String> problem = run(policy, steps);
        if (problem.isEmpty()) {
            return Optional.empty();
        }
        List<Step> current = steps;
        String currentProblem = problem.get();
        int runs = 0;
        for (boolean progress = true; progress && runs < MAX_SHRINK_RUNS; ) {
            progress = false;
            for (int chunk = Math.max(1, current.size() / 2); chunk >= 1 && runs < MAX_SHRINK_RUNS; chunk /= 2) {
                for (int start = 0; start < current.size() && current.size() > 1 && runs < MAX_SHRINK_RUNS; ) {
                    List<Step> candidate = new ArrayList<>(current.subList(0, start));
                    candidate.addAll(current.subList(Math.min(current.size(), start + chunk), current.size()));
                    runs++;
                    Optional<String> still = candidate.isEmpty() ? Optional.empty() : run(policy, candidate);
                    if (still.isPresent()) {
                        current = candidate;
                        currentProblem = still.get();
                        progress = true;
                    } else {
                        start += chunk;
                    }
                }
            }
        }
        for (int i = 0; i < current.size() && runs < MAX_SHRINK_RUNS; i++) {
            for (int r = 0; current.get(i) instanceof Step.Upload upload && upload.records().size() > 1
                    && r < upload.records().size() && runs < MAX_SHRINK_RUNS; ) {
                List<Step.Rec> records = new ArrayList<>(upload.records());
                records.remove(r);
                List<Step> candidate = new ArrayList<>(current);
                candidate.set(i, new Step.Upload(records));
                runs++;
                Optional<String> still = run(policy, candidate);
                if (still.isPresent()) {
                    current = candidate;
                    currentProblem = still.get();
                } else {
                    r++;
                }
            }
        }
        return Optional.of(new Failure(policy, steps, current, currentProblem));
    }

    /** Runs the steps as a new account; the first disagreement, if any. */
    Optional<String> run(ConflictPolicy policy, List<Step> steps) {
        TestServer.Client api = server.newAccount(true, true, policy);
        IdentityModel model = new IdentityModel(policy);
        Mapping mapping = new Mapping();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            List<String> seen = List.copyOf(mapping.seen);
            String body = Step.render(step, seen, mapping::real);
            Expected expected = apply(model, step, seen);
            ApiResponse response = api.post(path(step), body);
            String where = "at step " + (i + 1) + " (" + step + "), request " + body + ": ";
            Optional<String> problem = expected.compare(response)
                    .or(() -> compareState(api.accountId(), model, mapping));
            if (problem.isPresent()) {
                return Optional.of(where + problem.get());
            }
        }
        List<InvariantViolation> violations = server.violations().stream()
                .filter(v -> v.accountId().equals(api.accountId())).toList();
        return violations.isEmpty() ? Optional.empty()
                : Optional.of("after the last step, tether check reports " + violations.stream()
                        .map(v -> "BROKEN " + v.invariant().rule() + ": " + v.detail())
                        .collect(Collectors.joining("; ")));
    }

    private static String path(Step step) {
        if (step instanceof Step.Disassociate) {
            return "/1/disassociate";
        }
        return step instanceof Step.Delete ? "/1/delete/profiles.json" : "/1/upload";
    }

    /** What the model says a request answers: the processed count and the codes of the unprocessed records. */
    private record Expected(int processed, List<Integer> codes, boolean batch) {
        Optional<String> compare(ApiResponse response) {
            if (response.status() != 200 || response.json() == null) {
                return Optional.of("answered HTTP " + response.status() + " " + response.body());
            }
            int processedNow = response.json().path("processed").asInt(-1);
            List<Integer> codesNow = new ArrayList<>();
            response.json().path("unprocessed").forEach(u -> codesNow.add(u.path("code").asInt()));
            if (processedNow != processed || (batch && !codesNow.equals(codes))) {
                return Optional.of("the server answered " + response.body() + ", the model expects processed "
                        + processed + " and codes " + codes);
            }
            return Optional.empty();
        }
    }

    private static Expected apply(IdentityModel model, Step step, List<String> seen) {
        List<Integer> codes = new ArrayList<>();
        if (step instanceof Step.Disassociate d) {
            codes.addAll(model.disassociate(d.phones()));
        } else if (step instanceof Step.Delete d) {
            return new Expected(model.delete(Step.user(d.who(), seen)), List.of(), false);
        } else {
            for (Step.Rec rec : ((Step.Upload) step).records()) {
                IdentityModel.User user = Step.user(rec.who(), seen);
                if (rec instanceof Step.ProfileRec p) {
                    codes.add(model.uploadProfile(user, p.claims(), p.sets(), p.deletes()));
                } else {
                    codes.add(model.uploadEvent(user));
                }
            }
        }
        int processed = (int) codes.stream().filter(c -> c == 0).count();
        return new Expected(processed, codes.stream().filter(c -> c != 0).toList(), true);
    }

    /** Which real GUID each model profile is; learned from the values they hold, checked to stay one-to-one. */
    private static final class Mapping {
        final Map<String, String> realOf = new HashMap<>();
        final Map<String, String> modelOf = new HashMap<>();
        final List<String> seen = new ArrayList<>();

        String real(String modelId) {
            return realOf.getOrDefault(modelId, modelId);
        }

        Optional<String> learn(String modelId, String realGuid) {
            String known = realOf.get(modelId);
            String knownModel = modelOf.get(realGuid);
            if (known == null && knownModel == null) {
                realOf.put(modelId, realGuid);
                modelOf.put(realGuid, modelId);
                seen.add(modelId);
                return Optional.empty();
            }
            if (realGuid.equals(known) && modelId.equals(knownModel)) {
                return Optional.empty();
            }
            return Optional.of("model profile " + modelId + " is " + known + " on the server, but the server's "
                    + realGuid + " stands where the model has " + modelId + " (server's " + realGuid + " was model "
                    + knownModel + ")");
        }
    }

    private record RealProfile(String guid, Map<String, String> properties, Optional<String> mergedInto, int events) {
    }

    private Optional<String> compareState(String accountId, IdentityModel model, Mapping mapping) {
        Map<Key, String> realHolders = new HashMap<>();
        for (List<String> row : rows("SELECT kind, value, guid FROM identity_bindings WHERE account_id = '"
                + accountId + "' AND ended_at IS NULL")) {
            realHolders.put(new Key(Kind.valueOf(row.get(0)), row.get(1)), row.get(2));
        }
        if (!realHolders.keySet().equals(model.holders().keySet())) {
            return Optional.of("the server holds " + realHolders.keySet() + ", the model " + model.holders().keySet());
        }
        for (String client : Step.CLIENT_GUIDS) {
            if (model.profiles().containsKey(client)) {
                Optional<String> problem = mapping.learn(client, client);
                if (problem.isPresent()) {
                    return problem;
                }
            }
        }
        for (Map.Entry<Key, String> held : model.holders().entrySet()) {
            Optional<String> problem = mapping.learn(held.getValue(), realHolders.get(held.getKey()));
            if (problem.isPresent()) {
                return Optional.of("holders of " + held.getKey() + ": " + problem.get());
            }
        }
        return compareProfiles(accountId, model, mapping);
    }

    private Optional<String> compareProfiles(String accountId, IdentityModel model, Mapping mapping) {
        Map<String, Integer> events = new HashMap<>();
        rows("SELECT guid, COUNT(*) FROM events WHERE account_id = '" + accountId + "' GROUP BY guid")
                .forEach(row -> events.put(row.get(0), Integer.parseInt(row.get(1))));
        Map<String, RealProfile> real = new HashMap<>();
        for (List<String> row : rows("SELECT guid, properties, merged_into FROM profiles WHERE account_id = '"
                + accountId + "'")) {
            real.put(row.get(0), new RealProfile(row.get(0), properties(row.get(1)),
                    "null".equals(row.get(2)) ? Optional.empty() : Optional.of(row.get(2)),
                    events.getOrDefault(row.get(0), 0)));
        }
        List<String> unmappedModel = new ArrayList<>();
        for (Profile profile : model.profiles().values()) {
            String guid = mapping.realOf.get(profile.id());
            if (guid == null) {
                unmappedModel.add(describe(profile.properties(), profile.mergedInto().isPresent(), profile.events()));
                continue;
            }
            RealProfile stored = real.remove(guid);
            if (stored == null) {
                return Optional.of("model profile " + profile.id() + " (" + guid + ") is missing on the server");
            }
            Optional<String> mergedInto = profile.mergedInto().map(mapping::real);
            if (!stored.properties().equals(profile.properties()) || stored.events() != profile.events()
                    || !stored.mergedInto().equals(mergedInto)) {
                return Optional.of("profile " + guid + " is " + describe(stored) + " on the server, the model has "
                        + describe(profile.properties(), mergedInto.isPresent(), profile.events())
                        + mergedInto.map(m -> " into " + m).orElse(""));
            }
        }
        for (String deleted : mapping.realOf.keySet()) {
            if (!model.profiles().containsKey(deleted) && real.containsKey(mapping.realOf.get(deleted))) {
                return Optional.of("profile " + mapping.realOf.get(deleted) + " is deleted in the model only");
            }
        }
        List<String> unmappedReal = real.values().stream()
                .map(p -> describe(p.properties(), p.mergedInto().isPresent(), p.events())).sorted().toList();
        if (!unmappedReal.equals(unmappedModel.stream().sorted().toList())) {
            return Optional.of("profiles no value names: the server has " + unmappedReal + ", the model "
                    + unmappedModel);
        }
        return Optional.empty();
    }

    private static String describe(RealProfile p) {
        return describe(p.properties(), p.mergedInto().isPresent(), p.events())
                + p.mergedInto().map(m -> " into " + m).orElse("");
    }

    private static String describe(Map<String, String> properties, boolean merged, int events) {
        return new java.util.TreeMap<>(properties) + (merged ? " merged" : " live") + " with " + events + " events";
    }

    private List<List<String>> rows(String sql) {
        return server.store().inspection().rows(sql);
    }

    private static Map<String, String> properties(String json) {
        try {
            Map<String, String> properties = new java.util.LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = JSON.readTree(json).fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                properties.put(field.getKey(), field.getValue().asText());
            }
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
