package dev.tether.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.access.AccountService;
import dev.tether.account.Account;
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
    private final boolean mergeCopiesMirrored;

    public ModelCheck(TestServer server) {
        this(server, false);
    }

    /** With {@code mergeCopiesMirrored}, against a deliberately wrong model: to show what the comparison catches. */
    public ModelCheck(TestServer server, boolean mergeCopiesMirrored) {
        this.server = server;
        this.mergeCopiesMirrored = mergeCopiesMirrored;
    }

    /** The account a sequence runs as: its conflict policy and which kinds are identities. */
    public record Setup(ConflictPolicy policy, boolean emailOn, boolean phoneOn, int maxMergesPerDay) {
        public Setup(ConflictPolicy policy, boolean emailOn, boolean phoneOn) {
            this(policy, emailOn, phoneOn, Account.DEFAULT_MAX_MERGES_PER_DAY);
        }

        /** Mostly every kind on; now and then Email or Phone off; under merges, half the time a limit of 1 a day. */
        public static Setup random(Random random, ConflictPolicy policy) {
            int roll = random.nextInt(10);
            return new Setup(policy, roll != 8, roll != 9, policy == ConflictPolicy.MERGE && random.nextBoolean() ? 1
                    : Account.DEFAULT_MAX_MERGES_PER_DAY);
        }

        @Override
        public String toString() {
            return "policy " + policy + (emailOn ? "" : ", Email not an identity")
                    + (phoneOn ? "" : ", Phone not an identity")
                    + (maxMergesPerDay == Account.DEFAULT_MAX_MERGES_PER_DAY ? "" : ", " + maxMergesPerDay
                    + " merge a day");
        }
    }

    /** A sequence that disagreed with the model: the shrunk steps and what went wrong on them. */
    public record Failure(Setup setup, List<Step> original, List<Step> shrunk, String problem) {
        public String report(long seed) {
            StringBuilder text = new StringBuilder("The server disagrees with the model (seed " + seed + ", "
                    + setup + "), " + original.size() + " steps shrunk to " + shrunk.size() + ":\n");
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
    public Optional<Failure> check(Setup policy, List<Step> steps) {
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
    Optional<String> run(Setup setup, List<Step> steps) {
        TestServer.Client api = server.newAccount(setup.emailOn(), setup.phoneOn(), setup.policy());
        if (setup.maxMergesPerDay() != Account.DEFAULT_MAX_MERGES_PER_DAY) {
            server.accounts().update(api.accountId(), new AccountService.Settings(Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(setup.maxMergesPerDay())));
        }
        IdentityModel model = new IdentityModel(setup.policy(), setup.emailOn(), setup.phoneOn(), mergeCopiesMirrored,
                setup.maxMergesPerDay());
        Mapping mapping = new Mapping();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            List<String> seen = List.copyOf(mapping.seen);
            String body = Step.render(step, seen, mapping::real);
            Expected expected = apply(model, step, seen);
            String where = "at step " + (i + 1) + " (" + step + "), request " + body + ": ";
            List<List<String>> before = fingerprint(api.accountId());
            ApiResponse dryRun = api.post(path(step) + "?dryRun=1", body);
            Optional<String> dryProblem = expected.compare(dryRun).map(p -> "as a dry run, " + p)
                    .or(() -> before.equals(fingerprint(api.accountId())) ? Optional.empty()
                            : Optional.of("the dry run wrote: " + before + " became " + fingerprint(api.accountId())));
            if (dryProblem.isPresent()) {
                return Optional.of(where + dryProblem.get());
            }
            ApiResponse response = api.post(path(step), body);
            Optional<String> problem = expected.compare(response)
                    .or(() -> compareState(api.accountId(), model, mapping))
                    .or(() -> compareHistory(api.accountId(), model, mapping));
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
        if (step instanceof Step.Demerge) {
            return "/1/demerge/profiles.json";
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
            codes.addAll(model.disassociate(d.phones(),
                    d.disconnectedOn().filter(day -> day == Step.Disassociate.Day.LONG_AGO).isPresent()));
        } else if (step instanceof Step.Delete d) {
            return new Expected(model.delete(Step.user(d.who(), seen)), List.of(), false);
        } else if (step instanceof Step.Demerge d) {
            return new Expected(model.demerge(d.value()), List.of(), false);
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

    /** A stored profile; its events as the GUIDs they were sent to, sorted. */
    private record RealProfile(String guid, Map<String, String> properties, Optional<String> mergedInto,
                               List<String> events) {
    }

    private static List<String> sorted(List<String> values) {
        return values.stream().sorted().toList();
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

    /** Counts and sizes of the account's rows: what a dry run must leave as it found it. */
    private List<List<String>> fingerprint(String accountId) {
        return rows("SELECT (SELECT COUNT(*) FROM profiles WHERE account_id = '" + accountId + "'),"
                + " (SELECT COALESCE(SUM(LENGTH(properties)), 0) FROM profiles WHERE account_id = '" + accountId + "'),"
                + " (SELECT COUNT(*) FROM identity_bindings WHERE account_id = '" + accountId + "'),"
                + " (SELECT COUNT(*) FROM identity_bindings WHERE account_id = '" + accountId
                + "' AND ended_at IS NULL),"
                + " (SELECT COUNT(*) FROM events WHERE account_id = '" + accountId + "'),"
                + " (SELECT COUNT(*) FROM profile_merges WHERE account_id = '" + accountId + "')");
    }

    /**
     * Every binding each value ever had (holder, start and end reason, in order) and every merge (from, into, the
     * keys it copied), against the model's.
     */
    private Optional<String> compareHistory(String accountId, IdentityModel model, Mapping mapping) {
        Map<Key, List<String>> real = new java.util.LinkedHashMap<>();
        for (List<String> row : rows("SELECT kind, value, guid, start_reason, end_reason FROM identity_bindings"
                + " WHERE account_id = '" + accountId + "' ORDER BY started_at, binding_id")) {
            real.computeIfAbsent(new Key(Kind.valueOf(row.get(0)), row.get(1)), k -> new ArrayList<>())
                    .add(held(row.get(2), row.get(3), row.get(4), mapping));
        }
        Map<Key, List<String>> expected = new java.util.LinkedHashMap<>();
        model.history().forEach((key, bindings) -> expected.put(key, bindings.stream()
                .map(h -> held(h.profile().map(mapping::real).orElse("null"), h.started(),
                        h.ended().orElse("null"), mapping)).toList()));
        if (!real.equals(expected)) {
            return Optional.of("the history differs: the server has " + real + ", the model " + expected);
        }
        List<String> merges = rows("SELECT from_guid, into_guid, copied_keys FROM profile_merges WHERE account_id = '"
                + accountId + "' ORDER BY merged_at, merge_id").stream()
                .map(row -> merge(row.get(0), row.get(1), row.get(2), mapping)).toList();
        List<String> modelMerges = model.merges().stream()
                .map(m -> merge(mapping.real(m.from()), mapping.real(m.into()), m.copied().stream()
                        .map(k -> "\"" + k + "\"").collect(Collectors.joining(",", "[", "]")), mapping)).toList();
        if (!merges.equals(modelMerges)) {
            return Optional.of("the merges differ: the server has " + merges + ", the model " + modelMerges);
        }
        return Optional.empty();
    }

    /** A binding as compared: its holder where the mapping knows it (a profile no value names is "?"). */
    private static String held(String guid, String started, String ended, Mapping mapping) {
        String holder = guid.equals("null") ? "deleted" : mapping.modelOf.containsKey(guid) ? guid : "?";
        return holder + " " + started + ".." + ended;
    }

    /** A merge as compared; the copied keys as a set (an object's key order carries no meaning). */
    private static String merge(String from, String into, String copied, Mapping mapping) {
        List<String> keys = java.util.Arrays.stream(copied.replaceAll("[\\[\\]\" ]", "").split(","))
                .filter(k -> !k.isEmpty()).sorted().toList();
        return (mapping.modelOf.containsKey(from) ? from : "?") + "->" + (mapping.modelOf.containsKey(into) ? into : "?")
                + " " + keys;
    }

    private Optional<String> compareProfiles(String accountId, IdentityModel model, Mapping mapping) {
        Map<String, List<String>> events = new HashMap<>();
        rows("SELECT guid, COALESCE(arrived_as, guid) FROM events WHERE account_id = '" + accountId + "'")
                .forEach(row -> events.computeIfAbsent(row.get(0), k -> new ArrayList<>()).add(row.get(1)));
        Map<String, RealProfile> real = new HashMap<>();
        for (List<String> row : rows("SELECT guid, properties, merged_into FROM profiles WHERE account_id = '"
                + accountId + "'")) {
            real.put(row.get(0), new RealProfile(row.get(0), properties(row.get(1)),
                    "null".equals(row.get(2)) ? Optional.empty() : Optional.of(row.get(2)),
                    sorted(events.getOrDefault(row.get(0), List.of()).stream()
                            .map(g -> mapping.modelOf.containsKey(g) ? g : "?").toList())));
        }
        List<String> unmappedModel = new ArrayList<>();
        for (Profile profile : model.profiles().values()) {
            String guid = mapping.realOf.get(profile.id());
            if (guid == null) {
                unmappedModel.add(describe(profile.properties(), profile.mergedInto().isPresent(),
                        sorted(profile.events().stream().map(mapping::real)
                                .map(g -> mapping.modelOf.containsKey(g) ? g : "?").toList())));
                continue;
            }
            RealProfile stored = real.remove(guid);
            if (stored == null) {
                return Optional.of("model profile " + profile.id() + " (" + guid + ") is missing on the server");
            }
            Optional<String> mergedInto = profile.mergedInto().map(mapping::real);
            List<String> sentTo = sorted(profile.events().stream().map(mapping::real)
                    .map(g -> mapping.modelOf.containsKey(g) ? g : "?").toList());
            if (!stored.properties().equals(profile.properties()) || !stored.events().equals(sentTo)
                    || !stored.mergedInto().equals(mergedInto)) {
                return Optional.of("profile " + guid + " is " + describe(stored) + " on the server, the model has "
                        + describe(profile.properties(), mergedInto.isPresent(), sentTo)
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

    private static String describe(Map<String, String> properties, boolean merged, List<String> events) {
        return new java.util.TreeMap<>(properties) + (merged ? " merged" : " live") + " with events sent to "
                + events;
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
