package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.account.ConflictPolicy;
import dev.tether.check.InvariantViolation;
import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import dev.tether.store.HistoryEntry;
import dev.tether.store.MergeRecord;
import dev.tether.store.StatementLog;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.DataSnapshot;
import dev.tether.testing.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** API.md sections 2, 3 and 5: upload, resolution, validation, operations and the profile record. */
abstract class UploadContract extends ServerContract {

    private ApiResponse upload(String... records) {
        return upload(api, records);
    }

    private static ApiResponse upload(TestServer.Client client, String... records) {
        return client.post("/1/upload", batch(records));
    }

    private JsonNode record(String param, String value) {
        ApiResponse response = api.get("/1/profile.json?" + param + "=" + value);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("record");
    }

    private String guid(String param, String value) {
        return record(param, value).get("objectId").asText();
    }

    private void assertSuccess(ApiResponse response, int processed) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("status").asText()).as(response.body()).isEqualTo("success");
        assertThat(response.json().get("processed").asInt()).isEqualTo(processed);
        assertThat(response.json().get("unprocessed")).isEmpty();
    }

    /** The statements the server ran for the requests of {@code requests}, in order (not its background threads'). */
    private static List<String> statementsOf(Runnable requests) {
        List<String> statements = new CopyOnWriteArrayList<>();
        StatementLog.listen(statement -> {
            if (!Thread.currentThread().getName().startsWith("tether-")) {
                statements.add(statement.sql());
            }
        });
        try {
            requests.run();
        } finally {
            StatementLog.stop();
        }
        return statements;
    }

    private void assertFailedWith(ApiResponse response, int code, int recordNumber) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode failure = response.json().get("unprocessed").get(0);
        assertThat(failure.get("status").asText()).isEqualTo("fail");
        assertThat(failure.get("code").asInt()).as(response.body()).isEqualTo(code);
        assertThat(failure.get("error").asText()).endsWith(". Skipped record number : " + recordNumber);
    }

    @Test
    void newIdentity_createsProfile_withTimeOrderedGuid_andReadsBack() {
        assertSuccess(upload(profile("identity", "user-1", "{\"Name\":\"Asha\",\"Plan\":\"gold\"}")), 1);
        JsonNode record = record("identity", "user-1");
        assertThat(record.get("objectId").asText()).matches("[0-9a-f]{32}");
        assertThat(record.get("identity").asText()).isEqualTo("user-1");
        assertThat(record.get("name").asText()).isEqualTo("Asha");
        assertThat(record.get("profileData").get("Plan").asText()).isEqualTo("gold");
        assertThat(record.get("identities").get(0).get("kind").asText()).isEqualTo("Identity");
    }

    @Test
    void identityThatIsAPhoneNumber_isBoundAsPhone() {
        upload(profile("identity", "+919213231415", "{}"));
        JsonNode record = record("phone", "+919213231415");
        assertThat(record.get("identities").get(0).get("kind").asText()).isEqualTo("Phone");
        assertThat(api.get("/1/profile.json?identity=%2B919213231415").status()).isEqualTo(200);
    }

    @Test
    void identityThatIsAnEmail_isBoundAsEmail_lowerCased() {
        upload(profile("identity", "Asha@Example.COM", "{}"));
        JsonNode record = record("email", "asha@example.com");
        assertThat(record.get("identities").get(0).get("value").asText()).isEqualTo("asha@example.com");
        assertThat(guid("identity", "ASHA@example.com")).isEqualTo(record.get("objectId").asText());
    }

    @Test
    void formattedPhoneNumber_isTheSameIdentity_everywhere() {
        upload(profile("identity", "+91 92132-31415", "{}"));
        String guid = guid("phone", "+919213231415");
        assertSuccess(upload(profile("identity", "+919213231415", "{\"Plan\":\"x\"}")), 1);
        assertThat(guid("identity", "+91%20(921)%2032.31415")).isEqualTo(guid);
        assertThat(record("objectId", guid).get("profileData").get("Plan").asText()).isEqualTo("x");
    }

    @Test
    void resolution_prefersIdentity_thenEmail_thenPhone() {
        upload(profile("identity", "+15551230001", "{\"Name\":\"phone holder\"}"));
        upload(profile("identity", "custom-1", "{\"Name\":\"identity holder\"}"));
        // a profile whose Identity value is literally the phone number wins over the phone binding
        upload(profile("identity", "custom-1", "{\"Identity\":\"+15551230001\"}"));
        assertThat(record("identity", "+15551230001").get("name").asText()).isEqualTo("identity holder");
        assertThat(record("phone", "+15551230001").get("name").asText()).isEqualTo("phone holder");
        // Identity before Email: one profile holds the address as its Identity, another as its Email
        upload(profile("identity", "mail-holder", "{\"Email\":\"both@example.com\",\"Name\":\"email holder\"}"));
        upload(profile("identity", "+15551230001", "{\"Identity\":\"both@example.com\"}"));
        assertThat(record("identity", "both@example.com").get("name").asText()).isEqualTo("identity holder");
        assertThat(record("email", "both@example.com").get("name").asText()).isEqualTo("email holder");
    }

    @Test
    void emailAndPhoneParameters_lookOnlyAtTheirKind() {
        upload(profile("identity", "x@example.com", "{\"Name\":\"by email\"}"));
        upload(profile("identity", "y-user", "{\"Identity\":\"+15551230030\"}"));
        assertThat(record("email", "x@example.com").get("name").asText()).isEqualTo("by email");
        assertThat(api.get("/1/profile.json?phone=%2B15551230030").status()).isEqualTo(404);
        assertThat(api.get("/1/profile.json?identity=%2B15551230030").status()).isEqualTo(200);
        upload(profile("identity", "z-user", "{\"Identity\":\"w@example.com\"}"));
        assertThat(api.get("/1/profile.json?email=w@example.com").status()).isEqualTo(404);
    }

    @Test
    void objectId_takesPrecedence_overIdentity() {
        upload(profile("identity", "a-user", "{}"));
        upload(profile("identity", "b-user", "{}"));
        String a = guid("identity", "a-user");
        upload("{\"type\":\"profile\",\"objectId\":\"" + a + "\",\"identity\":\"b-user\",\"profileData\":{\"Tag\":1}}");
        assertThat(record("objectId", a).get("profileData").get("Tag").asInt()).isEqualTo(1);
        assertThat(record("identity", "b-user").get("profileData").has("Tag")).isFalse();
    }

    @Test
    void unknownWellFormedObjectId_createsProfileWithThatGuid() {
        assertSuccess(upload(profile("objectId", "__g9f2c1e0d", "{\"Name\":\"device\"}")), 1);
        assertThat(record("objectId", "__g9f2c1e0d").get("name").asText()).isEqualTo("device");
    }

    @Test
    void fbidAndGpid_areIdentitiesOfTheirOwn() {
        upload(profile("FBID", "fb-123", "{\"Name\":\"F\"}"), profile("GPID", "gp-9", "{\"Name\":\"G\"}"));
        upload(profile("FBID", "fb-123", "{\"Age\":30}"));
        ApiResponse response = api.get("/1/profile.json?identity=fb-123");
        assertThat(response.status()).isEqualTo(404);
        List<HistoryEntry> history = server.store().read(tx -> tx.bindings().history(api.accountId(),
                new IdentityKey(IdentityKind.FBID, "fb-123")));
        assertThat(history).hasSize(1);
        JsonNode record = record("objectId", history.get(0).guid().orElseThrow());
        assertThat(record.get("name").asText()).isEqualTo("F");
        assertThat(record.get("profileData").get("Age").asInt()).isEqualTo(30);
        List<HistoryEntry> gpid = server.store().read(tx -> tx.bindings().history(api.accountId(),
                new IdentityKey(IdentityKind.GPID, "gp-9")));
        assertThat(record("objectId", gpid.get(0).guid().orElseThrow()).get("name").asText()).isEqualTo("G");
        assertThat(gpid.get(0).guid()).isNotEqualTo(history.get(0).guid());
    }

    @Test
    void profileDataPhone_bindsPhone_andNormalises() {
        upload(profile("identity", "u1", "{\"Phone\":\"+91 92132 31415\"}"));
        JsonNode record = record("phone", "+919213231415");
        assertThat(record.get("phone").asText()).isEqualTo("+919213231415");
        assertThat(record.get("identity").asText()).isEqualTo("u1");
    }

    @Test
    void newValueOfAKind_replacesTheOld_inHistory() {
        upload(profile("identity", "u1", "{\"Email\":\"old@example.com\"}"));
        upload(profile("identity", "u1", "{\"Email\":\"new@example.com\"}"));
        assertThat(api.get("/1/profile.json?email=old@example.com").status()).isEqualTo(404);
        assertThat(guid("email", "new@example.com")).isEqualTo(guid("identity", "u1"));
        List<HistoryEntry> history = server.store().read(tx -> tx.bindings().history(api.accountId(),
                new IdentityKey(IdentityKind.EMAIL, "old@example.com")));
        assertThat(history).hasSize(1);
        assertThat(history.get(0).endReason()).contains(BindingReason.REPLACED);
        assertThat(history.get(0).to()).isPresent();
        assertThat(history.get(0).guid()).contains(guid("identity", "u1"));
    }

    @Test
    void identityOfAnotherProfile_isRejectedWith544_andChangesNothing() {
        upload(profile("identity", "owner", "{\"Phone\":\"+15551230002\"}"));
        upload(profile("identity", "other", "{\"Name\":\"Other\"}"));
        List<String> before = DataSnapshot.of(server.databaseUrl());
        ApiResponse response = upload(profile("identity", "other", "{\"Phone\":\"+1 555 123 0002\",\"Name\":\"X\"}"));
        assertThat(response.json().get("status").asText()).isEqualTo("fail");
        assertFailedWith(response, 544, 1);
        assertThat(response.json().get("unprocessed").get(0).get("error").asText())
                .startsWith("Phone is an identity of another profile");
        assertThat(DataSnapshot.of(server.databaseUrl())).isEqualTo(before);
    }

    @Test
    void transferPolicy_movesTheIdentity_withHistory() {
        TestServer.Client transfer = server.newAccount(true, true, ConflictPolicy.TRANSFER);
        upload(transfer, profile("identity", "old", "{\"Phone\":\"+15551230003\"}"));
        assertSuccess(upload(transfer, profile("identity", "new", "{\"Phone\":\"+15551230003\"}")), 1);
        JsonNode holder = transfer.get("/1/profile.json?phone=+15551230003").json().get("record");
        assertThat(holder.get("identity").asText()).isEqualTo("new");
        JsonNode old = transfer.get("/1/profile.json?identity=old").json().get("record");
        assertThat(old.has("phone")).isFalse();
        List<HistoryEntry> history = server.store().read(tx -> tx.bindings().history(transfer.accountId(),
                IdentityKey.phone("+15551230003")));
        assertThat(history.get(1).endReason()).contains(BindingReason.TRANSFERRED);
    }

    @Test
    void mergePolicy_mergesTheOtherProfileIn() {
        TestServer.Client merge = server.newAccount(true, true, ConflictPolicy.MERGE);
        upload(merge, profile("identity", "a", "{\"Phone\":\"+15551230004\",\"Color\":\"red\"}"),
                event("identity", "a", "Charged", "{}"));
        String a = merge.get("/1/profile.json?identity=a").json().get("record").get("objectId").asText();
        upload(merge, profile("identity", "b", "{\"Size\":\"L\"}"));
        assertSuccess(upload(merge, profile("identity", "b", "{\"Phone\":\"+15551230004\"}")), 1);
        JsonNode b = merge.get("/1/profile.json?identity=b").json().get("record");
        assertThat(b.get("phone").asText()).isEqualTo("+15551230004");
        assertThat(b.get("profileData").get("Color").asText()).isEqualTo("red");
        assertThat(b.get("events").get("Charged").get("count").asInt()).isEqualTo(1);
        // the merged profile's GUID answers with the profile it was merged into
        assertThat(merge.get("/1/profile.json?objectId=" + a).json().get("record").get("objectId").asText())
                .isEqualTo(b.get("objectId").asText());
        // b already had an Identity, so a's ended with reason merged
        List<HistoryEntry> history = server.store().read(tx -> tx.bindings().history(merge.accountId(),
                new IdentityKey(IdentityKind.IDENTITY, "a")));
        assertThat(history.get(0).endReason()).contains(BindingReason.MERGED);
    }

    @Test
    void mergePolicy_neverCopiesTheLosersPhoneOntoASurvivorHoldingAnotherNumber_checkStaysClean() {
        TestServer.Client merge = server.newAccount(true, true, ConflictPolicy.MERGE);
        assertSuccess(upload(merge, profile("identity", "+15550000001", "{}")), 1);
        assertSuccess(upload(merge, profile("identity", "o", "{\"Phone\":\"+15550000002\",\"Email\":\"m@x.co\"}")), 1);
        assertSuccess(upload(merge, profile("identity", "+15550000001", "{\"Email\":\"m@x.co\"}")), 1);

        JsonNode survivor = merge.get("/1/profile.json?phone=+15550000001").json().get("record");
        assertThat(survivor.get("phone").asText()).isEqualTo("+15550000001");
        assertThat(survivor.get("email").asText()).isEqualTo("m@x.co");
        assertThat(survivor.get("identity").asText()).as("the loser's Identity moved: the survivor had none")
                .isEqualTo("o");
        assertThat(merge.get("/1/profile.json?phone=+15550000002").status())
                .as("the loser's number ended (merged): the survivor holds a number already").isEqualTo(404);
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void mergePolicy_claimedValueStartsAsMerged_andTheMergeIsRecordedWithWhatItCopied() {
        TestServer.Client merge = server.newAccount(true, true, ConflictPolicy.MERGE);
        upload(merge, profile("identity", "loser", "{\"Email\":\"l@x.co\",\"Plan\":\"gold\",\"Name\":\"L\"}"));
        upload(merge, profile("identity", "winner", "{\"Name\":\"W\"}"));
        String loser = guidOf(merge, "identity=loser");
        String winner = guidOf(merge, "identity=winner");
        assertSuccess(upload(merge, profile("identity", "winner", "{\"Email\":\"l@x.co\"}"),
                event("objectId", loser, "Charged", "{}")), 2);

        List<HistoryEntry> email = server.store().read(tx -> tx.bindings().history(merge.accountId(),
                new IdentityKey(IdentityKind.EMAIL, "l@x.co")));
        assertThat(email).extracting(HistoryEntry::startReason).containsExactly(BindingReason.MERGED,
                BindingReason.UPLOADED);
        assertThat(email.get(1).endReason()).contains(BindingReason.MERGED);
        List<MergeRecord> merges = server.store().read(tx -> tx.profiles().mergesInto(merge.accountId(),
                List.of(winner)));
        assertThat(merges).singleElement().satisfies(m -> {
            assertThat(m.from()).isEqualTo(loser);
            assertThat(m.copiedKeys()).as("Name was the winner's already").containsExactly("Plan");
        });
        assertThat(server.store().inspection().rows("SELECT COALESCE(arrived_as, guid), guid FROM events"
                + " WHERE account_id = '" + merge.accountId() + "'"))
                .as("an event sent to the merged GUID counts for the survivor and keeps the GUID it was sent to")
                .containsExactly(List.of(loser, winner));
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void transferPolicy_valueStartsAsTransferred_onTheProfileThatClaimedIt() {
        TestServer.Client transfer = server.newAccount(true, true, ConflictPolicy.TRANSFER);
        upload(transfer, profile("identity", "old", "{\"Email\":\"t@x.co\"}"));
        assertSuccess(upload(transfer, profile("identity", "new", "{\"Email\":\"t@x.co\"}")), 1);
        List<HistoryEntry> history = server.store().read(tx -> tx.bindings().history(transfer.accountId(),
                new IdentityKey(IdentityKind.EMAIL, "t@x.co")));
        assertThat(history).extracting(HistoryEntry::startReason).containsExactly(BindingReason.TRANSFERRED,
                BindingReason.UPLOADED);
        assertThat(transfer.get("/1/profile.json?identity=old").json().get("record").has("email")).isFalse();
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void severalClaimsInOneRecord_areAppliedInResolutionOrder_whateverTheKeyOrder() {
        TestServer.Client reject = server.newAccount(true, true, ConflictPolicy.REJECT);
        upload(reject, profile("identity", "holder", "{\"Phone\":\"+15550000011\",\"Email\":\"h@x.co\"}"));
        ApiResponse response = upload(reject, profile("identity", "claimer",
                "{\"Phone\":\"+15550000011\",\"Email\":\"h@x.co\"}"));
        assertThat(response.json().get("unprocessed").get(0).get("error").asText())
                .as("Email comes before Phone in resolution order").startsWith("Email is an identity");
    }

    private static String guidOf(TestServer.Client client, String query) {
        return client.get("/1/profile.json?" + query).json().get("record").get("objectId").asText();
    }

    @ParameterizedTest(name = "{0} = {1} is {2}")
    @CsvSource(delimiter = ';', value = {
        "Gender; \"X\"; 514", "Email; \"not-an-email\"; 515", "Phone; \"12\"; 516", "Phone; \"+44+441234\"; 516",
        "Employed; \"maybe\"; 517", "Education; \"PhD\"; 518", "Married; \"?\"; 519", "Age; \"old\"; 520",
        "MSG-sms; \"yes\"; 549", "Score; {\"$incr\":\"a\"}; 548", "Tags; {\"$add\":\"x\"}; 548",
        "Score; {\"$bogus\":1}; 548", "Born; \"$D_notadate\"; 548"})
    void invalidStandardValue_isRejectedWithItsCode(String key, String value, int code) {
        ApiResponse response = upload(profile("identity", "v", "{\"" + key + "\":" + value + "}"));
        assertFailedWith(response, code, 1);
        assertThat(api.get("/1/profile.json?identity=v").status()).isEqualTo(404);
    }

    @Test
    void recordLevelCodes() {
        ApiResponse response = upload("42", "{\"type\":\"thing\",\"identity\":\"x\"}",
                "{\"type\":\"profile\",\"profileData\":{}}", "{\"type\":\"profile\",\"identity\":\"x\",\"ts\":-5,"
                        + "\"profileData\":{}}", "{\"type\":\"profile\",\"objectId\":\"bad guid!\",\"profileData\":{}}",
                "{\"type\":\"profile\",\"identity\":\"x\"}", "{\"type\":\"event\",\"identity\":\"x\"}",
                "{\"type\":\"event\",\"identity\":\"x\",\"evtName\":\"App Launched\"}",
                "{\"type\":\"event\",\"identity\":\"x\",\"evtName\":\"E\",\"evtData\":[1]}");
        assertThat(response.json().get("status").asText()).isEqualTo("fail");
        assertThat(response.json().get("unprocessed")).extracting(n -> n.get("code").asInt())
                .containsExactly(524, 524, 523, 525, 526, 546, 509, 513, 522);
        assertThat(response.json().get("unprocessed").get(0).get("record").asInt()).isEqualTo(42);
    }

    @Test
    void eventDataOverItsKeyLimit_is522() {
        StringBuilder data = new StringBuilder("{");
        for (int i = 0; i < 257; i++) {
            data.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        assertFailedWith(upload(event("identity", "e", "Big", data.append('}').toString())), 522, 1);
        assertThat(api.get("/1/profile.json?identity=e").status()).isEqualTo(404);
    }

    @Test
    void sizeLimits_areRejectedWith547() {
        String longKey = "k".repeat(121);
        String longValue = "v".repeat(513);
        assertFailedWith(upload(profile("identity", "s", "{\"" + longKey + "\":1}")), 547, 1);
        assertFailedWith(upload(profile("identity", "s", "{\"Note\":\"" + longValue + "\"}")), 547, 1);
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 257; i++) {
            many.append(i == 0 ? "" : ",").append("\"key").append(i).append("\":").append(i);
        }
        assertFailedWith(upload(profile("identity", "s", many.append('}').toString())), 547, 1);
    }

    @Test
    void operations_incrDecrAddRemoveSetDelete() {
        upload(profile("identity", "ops", "{\"Score\":10,\"Tags\":[\"a\"],\"Gone\":\"x\",\"Born\":\"$D_1700000000\"}"));
        assertSuccess(upload(profile("identity", "ops", "{\"Score\":{\"$incr\":5},\"Tags\":{\"$add\":[\"b\",\"a\"]},"
                + "\"Gone\":{\"$delete\":true},\"Plan\":{\"$set\":\"pro\"}}")), 1);
        upload(profile("identity", "ops", "{\"Score\":{\"$decr\":3},\"Tags\":{\"$remove\":[\"a\"]}}"));
        JsonNode data = record("identity", "ops").get("profileData");
        assertThat(data.get("Score").asInt()).isEqualTo(12);
        assertThat(data.get("Tags")).extracting(JsonNode::asText).containsExactly("b");
        assertThat(data.has("Gone")).isFalse();
        assertThat(data.get("Plan").asText()).isEqualTo("pro");
        assertThat(data.get("Born").asText()).isEqualTo("$D_1700000000");
    }

    @Test
    void standardKeys_areNormalised() {
        upload(profile("identity", "std", "{\"Gender\":\"f\",\"Age\":\"41\",\"Employed\":\"y\",\"Education\":"
                + "\"College\",\"Married\":\"N\",\"MSG-email\":false,\"Customer Type\":\"Gold\"}"));
        JsonNode data = record("identity", "std").get("profileData");
        assertThat(data.get("Gender").asText()).isEqualTo("F");
        assertThat(data.get("Age").isNumber()).isTrue();
        assertThat(data.get("Employed").asText()).isEqualTo("Y");
        assertThat(data.get("MSG-email").asBoolean()).isFalse();
    }

    @Test
    void events_areStoredPerProfile_andSummarised() {
        assertSuccess(upload(event("identity", "buyer", "Charged", "{\"Amount\":10}"),
                "{\"type\":\"event\",\"identity\":\"buyer\",\"evtName\":\"Charged\",\"ts\":1700000000,\"evtData\":{}}",
                "{\"type\":\"event\",\"identity\":\"buyer\",\"evtName\":\"Viewed\",\"ts\":1700000500}"), 3);
        JsonNode events = record("identity", "buyer").get("events");
        assertThat(events.get("Charged").get("count").asInt()).isEqualTo(2);
        assertThat(events.get("Charged").get("first_seen").asLong()).isEqualTo(1700000000L);
        assertThat(events.get("Charged").get("last_seen").asLong()).isGreaterThan(1700000000L);
        assertThat(events.get("Viewed").get("first_seen").asLong()).isEqualTo(1700000500L);
    }

    @Test
    void recordThreeOfFiveInvalid_fourProcessed_oneEchoedAsSent() {
        String bad = "{\"type\":\"profile\",\"identity\":\"r3\",\"profileData\":{\"Gender\":\"Q\"}}";
        ApiResponse response = upload(profile("identity", "r1", "{}"), profile("identity", "r2", "{}"), bad,
                profile("identity", "r4", "{}"), event("identity", "r5", "Signed Up", "{}"));
        assertThat(response.json().get("status").asText()).isEqualTo("partial");
        assertThat(response.json().get("processed").asInt()).isEqualTo(4);
        assertThat(response.json().get("unprocessed")).hasSize(1);
        assertFailedWith(response, 514, 3);
        assertThat(response.json().get("unprocessed").get(0).get("record").toString())
                .isEqualTo(parse(bad).toString());
        assertThat(api.get("/1/profile.json?identity=r3").status()).isEqualTo(404);
        assertThat(api.get("/1/profile.json?identity=r5").status()).isEqualTo(200);
    }

    private static JsonNode parse(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void fullBatches_areAHandfulOfStatements_notOnePerRecord() {
        StringBuilder created = new StringBuilder();
        StringBuilder updated = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            String phone = "+1555" + String.format("%07d", 8000 + i);
            created.append(i == 0 ? "" : ",").append(profile("identity", phone, "{\"Name\":\"n\"}"))
                    .append(",").append(event("identity", phone, "Signed Up", "{}"));
            updated.append(i == 0 ? "" : ",").append(profile("identity", phone, "{\"Visits\":{\"$incr\":1}}"));
        }
        long before = server.store().statementCount();
        assertSuccess(upload(profile("identity", "+15550007999", "{\"Name\":\"n\"}"),
                event("identity", "+15550007999", "Signed Up", "{}")), 2);
        long one = server.store().statementCount() - before;
        before = server.store().statementCount();
        assertSuccess(api.post("/1/upload", "{\"d\":[" + created + "]}"), 1000);
        long batch500 = server.store().statementCount() - before;
        before = server.store().statementCount();
        assertSuccess(api.post("/1/upload", "{\"d\":[" + updated + "]}"), 500);
        long updates500 = server.store().statementCount() - before;
        // where writers run at once, the batch also reads what its users hold before it locks, and makes and locks
        // its keys' rows, per kind (the lock order): a few statements more, still none per record
        int handful = backend().postgres() ? 16 : 12;
        assertThat(batch500).as("statements for 500 new profiles and 500 events").isLessThanOrEqualTo(handful);
        assertThat(updates500).as("statements for 500 updates").isLessThanOrEqualTo(handful);
        // the count is the store's, so a statement of the server's background work (webhook delivery) may fall in
        // either window
        assertThat(batch500).as("as many as for one record").isCloseTo(one, within(1L));
        assertThat(record("phone", "+15550008499").get("profileData").get("Visits").asInt()).isEqualTo(1);
    }

    @Test
    void laterRecords_seeEarlierRecordsOfTheSameBatch() {
        assertSuccess(upload(profile("identity", "+15551230005", "{\"Name\":\"first\"}"),
                profile("identity", "+1 555 123 0005", "{\"Plan\":\"b\"}")), 2);
        JsonNode record = record("phone", "+15551230005");
        assertThat(record.get("name").asText()).isEqualTo("first");
        assertThat(record.get("profileData").get("Plan").asText()).isEqualTo("b");
    }

    @Test
    void dryRun_answersTheSame_andWritesNothing() {
        upload(profile("identity", "exists", "{\"Phone\":\"+15551230006\"}"));
        List<String> before = DataSnapshot.of(server.databaseUrl());
        String body = batch(profile("identity", "fresh", "{\"Name\":\"N\"}"),
                profile("identity", "fresh2", "{\"Phone\":\"+15551230006\"}"), event("identity", "x", "E", "{}"));
        ApiResponse dry = api.post("/1/upload?dryRun=1", body);
        assertThat(DataSnapshot.of(server.databaseUrl())).isEqualTo(before);
        ApiResponse real = api.post("/1/upload", body);
        assertThat(dry.json().get("status")).isEqualTo(real.json().get("status"));
        assertThat(dry.json().get("processed")).isEqualTo(real.json().get("processed"));
        assertThat(dry.json().get("unprocessed")).isEqualTo(real.json().get("unprocessed"));
        assertThat(real.json().get("status").asText()).isEqualTo("partial");
    }

    @Test
    void phoneSwitchedOff_phoneIsAPlainProperty() {
        TestServer.Client noPhone = server.newAccount(true, false, ConflictPolicy.REJECT);
        upload(noPhone, profile("identity", "+15551230007", "{\"Phone\":\"+15551230008\"}"));
        upload(noPhone, profile("identity", "someone-else", "{\"Phone\":\"+15551230008\"}"));
        JsonNode record = noPhone.get("/1/profile.json?identity=%2B15551230007").json().get("record");
        assertThat(record.get("identities")).hasSize(1);
        assertThat(record.get("identities").get(0).get("kind").asText()).isEqualTo("Identity");
        assertThat(record.get("phone").asText()).isEqualTo("+15551230008");
        assertThat(noPhone.get("/1/profile.json?phone=%2B15551230008").status()).isEqualTo(404);
    }

    @Test
    void profileRead_needsExactlyOneParameter_andAnswers404AsJson() {
        assertThat(api.get("/1/profile.json").status()).isEqualTo(400);
        assertThat(api.get("/1/profile.json?identity=a&email=b@c.de").status()).isEqualTo(400);
        ApiResponse missing = api.get("/1/profile.json?identity=nobody");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().toString()).isEqualTo("{\"status\":\"fail\",\"error\":\"Profile not found\",\"code\":404}");
    }

    @Test
    void plusInQuery_staysAPlus() {
        upload(profile("identity", "a+b@example.com", "{}"));
        assertThat(api.get("/1/profile.json?email=a+b@example.com").status()).isEqualTo(200);
        assertThat(api.get("/1/profile.json?email=" + URLEncoder.encode("a+b@example.com", StandardCharsets.UTF_8))
                .status()).isEqualTo(200);
    }

    @Test
    void eventForUnknownIdentity_createsProfile() {
        assertSuccess(upload(event("identity", "ghost@example.com", "Visited", "{}")), 1);
        assertThat(record("email", "ghost@example.com").get("events").get("Visited").get("count").asInt()).isEqualTo(1);
    }

    /**
     * A batch of new users reads their keys' bindings once: before its locks on PostgreSQL (to find what their
     * holders hold), and not again after them, as a locked key row that names nobody says no binding is active (every
     * start and end of a binding writes its key's row: DECISIONS.md, "Concurrency: one lock order"); on SQLite, whose
     * one writer locks nothing, the one read is the read.
     */
    @Test
    void newUsers_haveTheirKeysBindingsReadOnce() {
        List<String> statements = statementsOf(() -> assertSuccess(upload(
                profile("identity", "new-1", "{\"Email\":\"new-1@example.com\"}"),
                profile("identity", "new-2", "{\"Phone\":\"+14155550177\"}")), 2));
        assertThat(statements).as("reads of the active bindings of keys: " + statements)
                .filteredOn(sql -> sql.contains("FROM identity_bindings WHERE account_id = ? AND kind"))
                .hasSize(1);
        assertThat(record("email", "new-1@example.com").get("identity").asText()).isEqualTo("new-1");
        assertThat(record("phone", "%2B14155550177").get("identity").asText()).isEqualTo("new-2");
    }

    /**
     * A batch of new users writes each of their keys' rows once (DECISIONS.md, "A new user's key rows, written once"):
     * on PostgreSQL the statement that makes the rows when it locks the keys makes them naming the profiles the
     * batch will make, and the flush writes none again; on SQLite the flush makes them. Before, PostgreSQL made each
     * row naming nobody, then wrote it again with its holder.
     */
    @Test
    void newUsers_haveTheirKeyRowsWrittenOnce() {
        List<String> statements = statementsOf(() -> assertSuccess(upload(
                profile("identity", "once-1", "{\"Email\":\"once-1@example.com\"}"),
                profile("identity", "once-2", "{\"Phone\":\"+14155550178\"}")), 2));
        assertThat(statements).as("statements that write key rows: " + statements)
                .filteredOn(sql -> sql.startsWith("INSERT INTO identity_keys")).hasSize(1);
        String first = guid("identity", "once-1");
        String second = guid("identity", "once-2");
        assertThat(server.store().inspection().rows("SELECT value, guid FROM identity_keys WHERE value IN"
                + " ('once-1', 'once-1@example.com', 'once-2', '+14155550178') ORDER BY value"))
                .containsExactly(List.of("+14155550178", second), List.of("once-1", first),
                        List.of("once-1@example.com", first), List.of("once-2", second));
        assertThat(server.violations()).isEmpty();
    }

    /**
     * A new user's record refused after her keys were locked (too many custom keys) leaves rows that name nobody on
     * PostgreSQL, where they were made naming the profile she was to be made, and none on SQLite; the other record of
     * the batch gets its profile.
     */
    @Test
    void aNewUserRefusedAfterHerKeysWereLocked_leavesTheirRowsNamingNobody() {
        StringBuilder many = new StringBuilder("{\"Email\":\"refused@example.com\"");
        for (int i = 0; i < 257; i++) {
            many.append(",\"key").append(i).append("\":").append(i);
        }
        ApiResponse response = upload(profile("identity", "refused", many.append('}').toString()),
                profile("identity", "kept", "{\"Email\":\"kept@example.com\"}"));
        assertFailedWith(response, 547, 1);
        assertThat(response.json().get("processed").asInt()).isEqualTo(1);
        assertThat(api.get("/1/profile.json?identity=refused").status()).isEqualTo(404);
        assertThat(server.store().inspection().rows("SELECT value, guid, changed_at FROM identity_keys"
                + " WHERE value IN ('refused', 'refused@example.com') ORDER BY value"))
                .as("made when the batch locked them, on PostgreSQL; on SQLite rows are made at the flush")
                .isEqualTo(backend().postgres()
                        ? List.of(List.of("refused", "null", "0"), List.of("refused@example.com", "null", "0"))
                        : List.of());
        assertThat(record("email", "kept@example.com").get("identity").asText()).isEqualTo("kept");
        assertThat(server.violations()).isEmpty();
    }

    /**
     * A key bound without a row (as an older server binds during an upgrade: DECISIONS.md, "Upgrading to V7") gets one
     * made naming nobody when the next write locks it; the write reads its binding all the same, as the read before
     * its locks found the key bound, and refuses to bind it to another profile (believing the new row would bind the
     * number twice); the next change of the key writes its row as its bindings say.
     */
    @Test
    void aBoundKeyWithoutARow_isReadWhenItsRowIsMade_notBelievedFree() throws Exception {
        TestServer.Client client = server.newAccount(true, true, ConflictPolicy.REJECT);
        String number = "+14155550179";
        assertSuccess(upload(client, profile("identity", "holder", "{\"Phone\":\"" + number + "\"}")), 1);
        try (Connection connection = DriverManager.getConnection(server.databaseUrl());
             Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM identity_keys WHERE account_id = '" + client.accountId() + "' AND value = '"
                    + number + "'");
        }
        ApiResponse refused = upload(client, profile("identity", "newcomer", "{\"Phone\":\"" + number + "\"}"));
        assertFailedWith(refused, 544, 1);
        assertThat(client.get("/1/profile.json?phone=%2B14155550179").json().get("record").get("identity").asText())
                .isEqualTo("holder");
        assertThat(server.violations()).as("the key's row, missing or naming nobody: what `tether check` reports")
                .isNotEmpty().allSatisfy(violation -> assertThat(violation.invariant())
                        .isEqualTo(InvariantViolation.Invariant.KEY_ROW_MATCHES_BINDINGS));
        ApiResponse cut = client.post("/1/disassociate", batch(phoneRecord(number)));
        assertThat(cut.json().get("processed").asInt()).as(cut.body()).isEqualTo(1);
        assertThat(server.violations()).as("the next change of the key writes its row").isEmpty();
    }

    /**
     * A new user found by an email address whose record claims another: her first identity is bound, then replaced by
     * her claim in the same batch, so its row (made on PostgreSQL naming her profile, as most new users' rows end)
     * ends naming nobody, with the binding's history.
     */
    @Test
    void aNewUserWhoseFirstIdentityIsReplaced_leavesItsRowNamingNobody() {
        assertSuccess(upload(profile("identity", "first@example.com", "{\"Email\":\"second@example.com\"}")), 1);
        String guid = guid("email", "second@example.com");
        assertThat(server.store().inspection().rows("SELECT value, COALESCE(guid, 'nobody') FROM identity_keys"
                + " WHERE kind = 'Email' AND value IN ('first@example.com', 'second@example.com') ORDER BY value"))
                .containsExactly(List.of("first@example.com", "nobody"), List.of("second@example.com", guid));
        assertThat(server.violations()).isEmpty();
    }

    /**
     * An event's user is followed to its profile's GUID only (DECISIONS.md, "An event's user is followed to a GUID"):
     * a batch of events at known users reads no profile row and none of their identities, locks no profile and writes
     * no profile row; on PostgreSQL the key that names each user's profile is locked shared, so that no write moves
     * or ends it, or deletes or merges that profile, before the batch ends, while other batches of her events go on.
     */
    @Test
    void eventsOfKnownUsers_readNoProfileRow_andLockTheirKeysShared() {
        upload(profile("identity", "anna", "{\"Email\":\"anna@example.com\",\"Tier\":\"gold\"}"),
                profile("identity", "bob", "{\"Phone\":\"+14155550100\"}"));
        List<String> statements = statementsOf(() -> {
            assertSuccess(upload(event("identity", "anna", "Viewed", "{}"),
                    event("identity", "anna@example.com", "Charged", "{\"Amount\":3}"),
                    event("identity", "+14155550100", "Viewed", "{}")), 3);
            assertSuccess(upload(event("identity", "anna", "Opened", "{}"),
                    profile("identity", "bob", "{\"Tier\":\"silver\"}")), 2);
        });
        // the first request's statements end where the second one's authentication begins
        int secondRequest = indexOf(statements.subList(1, statements.size()), sql -> sql.contains("FROM accounts a"))
                + 1;
        List<String> events = statements.subList(0, secondRequest);
        assertThat(events).as("statements of the event batch").noneMatch(sql -> sql.contains("properties"))
                .noneMatch(sql -> sql.contains("FROM profiles"))
                .noneMatch(sql -> sql.startsWith("UPDATE profiles"))
                .noneMatch(sql -> sql.contains("FROM identity_bindings WHERE account_id = ? AND guid"))
                .anyMatch(sql -> sql.startsWith("INSERT INTO events"));
        if (backend().postgres()) {
            int read = indexOf(events, sql -> sql.contains("FROM identity_bindings"));
            int share = indexOf(events, sql -> sql.contains("FROM identity_keys") && sql.endsWith("FOR SHARE"));
            int insert = indexOf(events, sql -> sql.startsWith("INSERT INTO events"));
            assertThat(List.of(read, share, insert)).as("the users' keys are read, the keys naming their profiles"
                    + " locked shared, then the events go in: " + events).doesNotContain(-1).isSorted();
            assertThat(events).as("a known user's keys are not locked for the batch alone")
                    .noneMatch(sql -> sql.contains("identity_keys") && sql.endsWith("FOR UPDATE"));
            List<String> mixed = statements.subList(events.size(), statements.size());
            assertThat(mixed).as("in a batch with a profile record that claims no identity, the users' keys are"
                    + " locked shared and the record's profile for the unit: " + mixed)
                    .anyMatch(sql -> sql.contains("FROM identity_keys") && sql.endsWith("FOR SHARE"))
                    .noneMatch(sql -> sql.contains("FROM identity_keys") && sql.endsWith("FOR UPDATE"))
                    .anyMatch(sql -> sql.contains("FROM profiles") && sql.endsWith("FOR UPDATE"));
        }
        assertThat(record("identity", "anna").get("events").get("Charged").get("count").asInt()).isEqualTo(1);
        assertThat(record("identity", "anna").get("events").get("Viewed").get("count").asInt()).isEqualTo(1);
        assertThat(record("identity", "anna").get("events").get("Opened").get("count").asInt()).isEqualTo(1);
        assertThat(record("phone", "%2B14155550100").get("events").get("Viewed").get("count").asInt()).isEqualTo(1);
    }

    /**
     * Between a batch's read of its users' keys and its shared lock of them, another request commits: another batch
     * of the same user's events does not make it wait or run again; a merge of her profile leaves her key with the
     * survivor, where the event goes; after a delete of her profile the batch finds the key unbound under its lock and
     * makes her a new profile, as an event after the delete would. None of them makes the batch run again.
     */
    @ParameterizedTest
    @CsvSource({"another event batch", "a delete", "a merge"})
    void eventBatch_afterACommitBetweenItsReadAndItsLock_goesWhereTheKeyLeadsNow(String between) throws Exception {
        assumeTrue(backend().postgres(), "writers run one at a time on SQLite");
        TestServer.Client merging = server.newAccount(true, true, ConflictPolicy.MERGE);
        upload(merging, profile("identity", "anna", "{\"Phone\":\"+15551230100\"}"),
                profile("identity", "bob", "{}"));
        String anna = merging.get("/1/profile.json?identity=anna").json().get("record").get("objectId").asText();
        String bob = merging.get("/1/profile.json?identity=bob").json().get("record").get("objectId").asText();
        Runnable concurrent = switch (between) {
            case "another event batch" -> () -> assertSuccess(upload(merging,
                    event("identity", "+15551230100", "Opened", "{}")), 1);
            case "a delete" -> () -> assertThat(merging.post("/1/delete/profiles.json", "{\"identity\":\"anna\"}")
                    .status()).isEqualTo(200);
            default -> () -> assertSuccess(upload(merging, profile("identity", "bob",
                    "{\"Phone\":\"+15551230100\"}")), 1);
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        server.store().instrument(registry);
        double retriesBefore = registry.get("tether.storage.retries").tag("reason", "conflict").functionCounter().count();
        AtomicBoolean ran = new AtomicBoolean();
        assertSuccess(uploadWhile(statement -> {
            if (statement.sql().contains("FROM identity_keys") && statement.sql().endsWith("FOR SHARE")
                    && !ran.getAndSet(true)) {
                concurrent.run();
            }
        }, merging, event("identity", "+15551230100", "Viewed", "{}")), 1);
        assertThat(ran).as("a commit came between the batch's read and its lock").isTrue();
        JsonNode now = merging.get("/1/profile.json?phone=%2B15551230100").json().get("record");
        assertThat(now.get("events").get("Viewed").get("count").asInt()).isEqualTo(1);
        try (Connection sql = DriverManager.getConnection(server.databaseUrl());
             PreparedStatement events = sql.prepareStatement(
                     "SELECT count(*) FROM events WHERE account_id = ? AND guid = ? AND evt_name = 'Viewed'")) {
            events.setString(1, merging.accountId());
            events.setString(2, anna);
            try (ResultSet count = events.executeQuery()) {
                count.next();
                assertThat(count.getInt(1)).as("Viewed events left under " + anna)
                        .isEqualTo(between.equals("another event batch") ? 1 : 0);
            }
        }
        double retries = registry.get("tether.storage.retries").tag("reason", "conflict").functionCounter().count()
                - retriesBefore;
        switch (between) {
            case "another event batch" -> {
                assertThat(now.get("objectId").asText()).isEqualTo(anna);
                assertThat(now.get("events").get("Opened").get("count").asInt()).isEqualTo(1);
                assertThat(retries).as("the batch went on beside the other one").isZero();
            }
            case "a delete" -> {
                assertThat(now.get("objectId").asText()).as("a new profile of the number").isNotIn(anna, bob);
                assertThat(retries).as("the key was found unbound under its lock, and the number bound for her new"
                        + " profile then: no run again").isZero();
            }
            default -> {
                assertThat(now.get("objectId").asText()).as("the profile anna's was merged into").isEqualTo(bob);
                assertThat(retries).as("the key led to the survivor when locked: no run again").isZero();
            }
        }
    }

    /**
     * The keys an event's user is looked up by are read at one moment, even in READ COMMITTED: a profile upload that
     * moves the user from one kind's key to another's (here her Email to her Identity) and commits while the batch
     * reads its bindings cannot make the batch see neither and make her a new profile. Read one statement per kind,
     * the batch saw the Identity before the move and the Email after it.
     */
    @Test
    void eventBatch_readsItsUsersKeysAtOneMoment_whileAnUploadMovesHerToAnotherKey() {
        assumeTrue(backend().postgres(), "writers run one at a time on SQLite");
        TestServer.Client client = server.newAccount(true, true, ConflictPolicy.REJECT);
        assertSuccess(upload(client, profile("identity", "a1", "{\"Email\":\"x@example.com\"}")), 1);
        String a = client.get("/1/profile.json?identity=a1").json().get("record").get("objectId").asText();
        AtomicBoolean bindingsRead = new AtomicBoolean();
        AtomicBoolean ran = new AtomicBoolean();
        Thread test = Thread.currentThread();
        assertSuccess(uploadWhile(statement -> {
            if (Thread.currentThread() == test || Thread.currentThread().getName().startsWith("tether-") || ran.get()) {
                return;
            }
            if (bindingsRead.get() && ran.compareAndSet(false, true)) {
                assertSuccess(upload(client, profile("identity", "a1",
                        "{\"Identity\":\"x@example.com\",\"Email\":\"z@example.com\"}")), 1);
            } else if (statement.sql().contains("FROM identity_bindings")) {
                bindingsRead.set(true);
            }
        }, client, event("identity", "x@example.com", "Viewed", "{}")), 1);
        assertThat(ran).as("the upload committed right after the batch's first read of bindings").isTrue();
        JsonNode now = client.get("/1/profile.json?identity=x@example.com").json().get("record");
        assertThat(now.get("objectId").asText()).isEqualTo(a);
        assertThat(now.get("events").has("Viewed")).as("the event is on her profile: " + now).isTrue();
        assertThat(now.get("events").get("Viewed").get("count").asInt()).isEqualTo(1);
        assertThat(client.get("/1/profile.json?email=x@example.com").status()).as("nobody holds the old email")
                .isEqualTo(404);
    }

    /** Uploads with the listener told of every statement the store runs meanwhile, on any thread. */
    private static ApiResponse uploadWhile(Consumer<StatementLog.Statement> listener, TestServer.Client client,
                                           String... records) {
        StatementLog.listen(listener);
        try {
            return upload(client, records);
        } finally {
            StatementLog.stop();
        }
    }

    private static int indexOf(List<String> statements, Predicate<String> matching) {
        for (int i = 0; i < statements.size(); i++) {
            if (matching.test(statements.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
