package dev.tether.model;

import dev.tether.model.IdentityModel.Kind;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One request of a model-based sequence: an upload of a few records, a disassociation or a delete, over a small pool
 * of values so that operations collide. A record may name a profile seen earlier in the sequence by its place among
 * the profiles known so far; {@link #render} turns that into the real GUID.
 */
public sealed interface Step permits Step.Upload, Step.Disassociate, Step.Delete, Step.Demerge {
    List<String> PHONES = List.of("+15550000001", "+15550000002", "+15550000003");
    List<String> EMAILS = List.of("m@x.co", "n@x.co");
    /** "guest" is one of the default blocked values: a record naming it is 553. */
    List<String> IDENTITIES = List.of("u1", "u2", "guest");
    List<String> CLIENT_GUIDS = List.of("dev-1", "dev-2");

    /** How a record names its user: an identity value, a client's own GUID, or a profile seen before. */
    sealed interface Who permits Value, Fbid, ClientGuid, Seen {
    }

    record Value(String value) implements Who {
        @Override
        public String toString() {
            return "identity=" + value;
        }
    }

    /** A record's {@code FBID}: an identity kind of its own, looked up only as itself. */
    record Fbid(String value) implements Who {
        @Override
        public String toString() {
            return "FBID=" + value;
        }
    }

    record ClientGuid(String guid) implements Who {
        @Override
        public String toString() {
            return "objectId=" + guid;
        }
    }

    /** The n-th profile known so far (modulo their number); a plain identity value when none is known yet. */
    record Seen(int n, String fallback) implements Who {
        @Override
        public String toString() {
            return "objectId=<profile #" + n + ">";
        }
    }

    sealed interface Rec permits ProfileRec, EventRec {
        Who who();
    }

    record ProfileRec(Who who, Map<Kind, String> claims, Map<String, String> sets, Set<Kind> deletes) implements Rec {
        @Override
        public String toString() {
            Map<String, Object> data = new LinkedHashMap<>();
            claims.forEach((k, v) -> data.put(k.name(), v));
            data.putAll(sets);
            deletes.forEach(k -> data.put(k.name(), "$delete"));
            return "profile " + who + " " + data;
        }
    }

    record EventRec(Who who) implements Rec {
        @Override
        public String toString() {
            return "event " + who;
        }
    }

    record Upload(List<Rec> records) implements Step {
        @Override
        public String toString() {
            return "upload " + records;
        }
    }

    /**
     * A disassociation; {@code disconnectedOn} sends every number with a day of disconnection: {@code today} (every
     * holder had it by then) or {@code long ago} (two days before today, before every binding of the run).
     */
    record Disassociate(List<String> phones, Optional<Day> disconnectedOn) implements Step {
        enum Day { TODAY, LONG_AGO }

        @Override
        public String toString() {
            return "disassociate " + phones + disconnectedOn.map(day -> " disconnectedOn " + day).orElse("");
        }
    }

    record Delete(Who who) implements Step {
        @Override
        public String toString() {
            return "delete " + who;
        }
    }

    /** A demerge of the profile an identity value names. */
    record Demerge(String value) implements Step {
        @Override
        public String toString() {
            return "demerge " + value;
        }
    }

    /** A random step. */
    static Step random(Random random) {
        int roll = random.nextInt(100);
        if (roll < 62) {
            List<Rec> records = new ArrayList<>();
            for (int i = random.nextInt(3); i >= 0; i--) {
                records.add(random.nextInt(4) == 0 ? new EventRec(who(random)) : profile(random));
            }
            return new Upload(records);
        }
        if (roll < 84) {
            List<String> phones = new ArrayList<>();
            for (int i = random.nextInt(2); i >= 0; i--) {
                phones.add(pick(random, PHONES));
            }
            int day = random.nextInt(4);
            return new Disassociate(phones, day == 0 ? Optional.of(Disassociate.Day.TODAY)
                    : day == 1 ? Optional.of(Disassociate.Day.LONG_AGO) : Optional.empty());
        }
        if (roll < 92) {
            return new Delete(who(random));
        }
        List<String> values = new ArrayList<>(PHONES);
        values.addAll(EMAILS);
        values.addAll(IDENTITIES);
        return new Demerge(pick(random, values));
    }

    private static ProfileRec profile(Random random) {
        Map<Kind, String> claims = new LinkedHashMap<>();
        if (random.nextInt(100) < 35) {
            claims.put(Kind.Identity, pick(random, IDENTITIES));
        }
        if (random.nextInt(100) < 35) {
            claims.put(Kind.Email, pick(random, EMAILS));
        }
        if (random.nextInt(100) < 40) {
            claims.put(Kind.Phone, pick(random, PHONES));
        }
        Map<String, String> sets = new LinkedHashMap<>();
        if (random.nextInt(100) < 40) {
            sets.put("Name", pick(random, List.of("Asha", "Ben")));
        }
        if (random.nextInt(100) < 30) {
            sets.put("Plan", pick(random, List.of("gold", "free")));
        }
        Set<Kind> deletes = new LinkedHashSet<>();
        if (!claims.containsKey(Kind.Phone) && random.nextInt(100) < 8) {
            deletes.add(Kind.Phone);
        }
        return new ProfileRec(who(random), claims, sets, deletes);
    }

    private static Who who(Random random) {
        int roll = random.nextInt(100);
        List<String> values = new ArrayList<>(PHONES);
        values.addAll(EMAILS);
        values.addAll(IDENTITIES);
        if (roll < 53) {
            return new Value(pick(random, values));
        }
        if (roll < 60) {
            return new Fbid(pick(random, List.of("fb-1", "fb-2")));
        }
        if (roll < 85) {
            return new Seen(random.nextInt(100), pick(random, values));
        }
        return new ClientGuid(pick(random, CLIENT_GUIDS));
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    // ---- rendering, for the model and for the server

    /** The user as the model names it: {@code guidOf} maps a profile seen before to the id the caller uses. */
    static IdentityModel.User user(Who who, List<String> seen) {
        if (who instanceof Value v) {
            return new IdentityModel.ByIdentity(v.value());
        }
        if (who instanceof Fbid f) {
            return new IdentityModel.ByFbid(f.value());
        }
        if (who instanceof ClientGuid g) {
            return new IdentityModel.ByGuid(g.guid());
        }
        Seen s = (Seen) who;
        return seen.isEmpty() ? new IdentityModel.ByIdentity(s.fallback())
                : new IdentityModel.ByGuid(seen.get(s.n() % seen.size()));
    }

    /** The request body, with model profile ids turned into real GUIDs. */
    static String render(Step step, List<String> seen, Function<String, String> realGuid) {
        if (step instanceof Disassociate d) {
            String day = d.disconnectedOn().map(on -> ",\"disconnectedOn\":\"" + LocalDate.now(ZoneOffset.UTC)
                    .minusDays(on == Disassociate.Day.TODAY ? 0 : 2) + "\"").orElse("");
            return "{\"d\":[" + d.phones().stream().map(p -> "{\"type\":\"phone\",\"value\":\"" + p + "\"" + day
                    + "}").collect(Collectors.joining(",")) + "]}";
        }
        if (step instanceof Demerge d) {
            return "{\"identities\":[\"" + d.value() + "\"]}";
        }
        if (step instanceof Delete d) {
            IdentityModel.User user = user(d.who(), seen);
            // a delete names identity values or GUIDs; an FBID is sent as an identity value (and names nobody)
            return user instanceof IdentityModel.ByGuid g ? "{\"guid\":\"" + realGuid.apply(g.guid()) + "\"}"
                    : "{\"identity\":\"" + IdentityModel.valueOf(user) + "\"}";
        }
        List<String> records = new ArrayList<>();
        for (Rec rec : ((Upload) step).records()) {
            IdentityModel.User user = user(rec.who(), seen);
            String userField = user instanceof IdentityModel.ByGuid g
                    ? "\"objectId\":\"" + realGuid.apply(g.guid()) + "\""
                    : user instanceof IdentityModel.ByFbid f ? "\"FBID\":\"" + f.value() + "\""
                    : "\"identity\":\"" + IdentityModel.valueOf(user) + "\"";
            if (rec instanceof EventRec) {
                records.add("{\"type\":\"event\"," + userField + ",\"evtName\":\"Charged\",\"evtData\":{}}");
            } else {
                ProfileRec p = (ProfileRec) rec;
                List<String> data = new ArrayList<>();
                p.claims().forEach((k, v) -> data.add("\"" + k.name() + "\":\"" + v + "\""));
                p.sets().forEach((k, v) -> data.add("\"" + k + "\":\"" + v + "\""));
                p.deletes().forEach(k -> data.add("\"" + k.name() + "\":{\"$delete\":true}"));
                records.add("{\"type\":\"profile\"," + userField + ",\"profileData\":{" + String.join(",", data)
                        + "}}");
            }
        }
        return "{\"d\":[" + String.join(",", records) + "]}";
    }
}
