package dev.tether.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.account.Account;
import dev.tether.account.BlockedValues;
import dev.tether.account.ConflictPolicy;
import dev.tether.batch.BatchRequest;
import dev.tether.batch.InvalidRequestException;
import dev.tether.batch.RecordRejected;
import dev.tether.config.Limits;
import dev.tether.delete.DeleteRequest;
import dev.tether.identity.CleanText;
import dev.tether.identity.Identities;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import dev.tether.upload.UploadRecord;
import java.util.List;
import java.util.Optional;

/**
 * Coverage-guided fuzzing of everything a request goes through before it reaches storage: the body's bytes to
 * JSON, the batch envelope, each upload record, a delete request, the query string, and the normalisation of
 * identities. The only failures allowed are the documented ones (a 400, a record code); whatever is accepted is
 * clean text, and normalising a normalised value changes nothing.
 */
class RequestFuzzTest {
    private static final Account ACCOUNT = new Account("ABC-DEF-1234", "fuzz", "local", true, true,
            ConflictPolicy.REJECT, 0, BlockedValues.defaults(), Account.DEFAULT_MAX_MERGES_PER_DAY);
    private static final Limits LIMITS = Limits.defaults();

    private static final String[] KEYS = {"type", "identity", "objectId", "FBID", "GPID", "ts", "profileData",
        "evtName", "evtData", "Phone", "Email", "Identity", "Name", "Gender", "Age", "DOB", "MSG-sms", "Score",
        "Tags", "$incr", "$decr", "$add", "$remove", "$set", "$delete", "d", "guid", "value"};
    private static final String[] WORDS = {"profile", "event", "phone", "+919213231415", "+1 (555) 000-1234",
        "a@b.co", "M", "Y", "$D_1700000000", "Charged", "App Launched", "", "0"};

    @FuzzTest(maxDuration = "30s")
    void requestParsing(FuzzedDataProvider data) {
        switch (data.consumeInt(0, 3)) {
            case 0:
                body(data.consumeRemainingAsBytes());
                break;
            case 3:
                body(("{\"d\":[" + record(data, 0) + "]}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                break;
            case 1:
                query(data.consumeRemainingAsString());
                break;
            default:
                normalisation(data.consumeInt(0, IdentityKind.values().length - 1), data.consumeRemainingAsString());
        }
    }

    /** A JSON value built from the fuzzer's choices, so that records reach the record parser in number. */
    private static String record(FuzzedDataProvider data, int depth) {
        int kind = data.consumeInt(0, depth > 3 ? 5 : 7);
        switch (kind) {
            case 0:
                return Long.toString(data.consumeLong());
            case 1:
                return data.consumeBoolean() ? "true" : "null";
            case 2:
                return quoted(data.consumeBoolean() ? WORDS[data.consumeInt(0, WORDS.length - 1)]
                        : data.consumeString(40));
            case 3:
                return Double.toString(data.consumeRegularDouble());
            case 4:
                return "99999999999999999999999";
            case 5:
                return quoted(KEYS[data.consumeInt(0, KEYS.length - 1)]);
            case 6: {
                StringBuilder array = new StringBuilder("[");
                int items = data.consumeInt(0, 3);
                for (int i = 0; i < items; i++) {
                    array.append(i == 0 ? "" : ",").append(record(data, depth + 1));
                }
                return array.append("]").toString();
            }
            default: {
                StringBuilder object = new StringBuilder("{");
                int fields = data.consumeInt(0, 6);
                for (int i = 0; i < fields; i++) {
                    String key = data.consumeBoolean() ? KEYS[data.consumeInt(0, KEYS.length - 1)]
                            : data.consumeString(10);
                    object.append(i == 0 ? "" : ",").append(quoted(key)).append(':').append(record(data, depth + 1));
                }
                return object.append("}").toString();
            }
        }
    }

    private static String quoted(String text) {
        return Json.MAPPER.getNodeFactory().textNode(text).toString();
    }

    private static void body(byte[] bytes) {
        JsonNode json;
        try {
            json = Requests.parseJson(bytes);
        } catch (ApiError e) {
            assertThat(e.status()).isEqualTo(400);
            return;
        }
        try {
            DeleteRequest.parse(ACCOUNT, json, LIMITS.valuesPerBulkRequest());
        } catch (InvalidRequestException expected) {
            // a documented 400
        }
        List<JsonNode> records;
        try {
            records = BatchRequest.records(json, LIMITS.recordsPerRequest());
        } catch (InvalidRequestException expected) {
            return;
        }
        for (JsonNode record : records) {
            try {
                UploadRecord parsed = UploadRecord.parse(record, ACCOUNT, LIMITS, 1_700_000_000L);
                parsed.user().lookupKeys().forEach(RequestFuzzTest::assertNormal);
                if (parsed instanceof UploadRecord.ProfileUpload profile) {
                    profile.identityValues().forEach(RequestFuzzTest::assertNormal);
                }
            } catch (RecordRejected rejected) {
                assertThat(rejected.code()).isBetween(509, 553);
            }
        }
    }

    private static void query(String raw) {
        try {
            Requests.parseQuery(raw).forEach((name, value) -> {
                assertThat(name).isNotNull();
                assertThat(value).isNotNull();
            });
        } catch (ApiError e) {
            assertThat(e.status()).isEqualTo(400);
        }
    }

    private static void normalisation(int kindIndex, String raw) {
        IdentityKind kind = IdentityKind.values()[kindIndex];
        Identities.normalize(kind, raw).ifPresent(RequestFuzzTest::assertNormal);
    }

    /** A normalised identity is clean text, and normalising it again gives itself. */
    private static void assertNormal(IdentityKey key) {
        assertThat(CleanText.isClean(key.value())).isTrue();
        assertThat(Identities.normalize(key.kind(), key.value())).isEqualTo(Optional.of(key));
        if (key.kind() == IdentityKind.PHONE) {
            assertThat(key.value()).matches("\\+[1-9][0-9]{3,14}");
        }
    }
}
