package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.account.ConflictPolicy;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/API.md sections 9 and 10: exports with cursors ({@code /1/events.json}, {@code /1/profiles.json}) and counts. */
abstract class ExportContract extends ServerContract {
    /** 2026-11-01 00:00 UTC; the query's range is 20261101 to 20261102, both days included. */
    private static final long NOV_1 = 1_793_491_200L;
    private static final long NOV_3 = 1_793_664_000L;
    private static final String QUERY = "{\"event_name\":\"Charged\",\"from\":20261101,\"to\":20261102}";

    private static String eventAt(String identity, String name, long ts, int n) {
        return "{\"type\":\"event\",\"identity\":\"" + identity + "\",\"ts\":" + ts + ",\"evtName\":\"" + name
                + "\",\"evtData\":{\"n\":" + n + "}}";
    }

    /** 25 Charged events in the range over 3 users, and events out of it: before, after, another name. */
    private void uploadEvents(TestServer.Client client) {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            records.add(eventAt("user-" + (i % 3), "Charged", NOV_1 + i * 6000L, i));
        }
        records.add(eventAt("user-0", "Charged", NOV_1 - 1, 100));
        records.add(eventAt("user-3", "Charged", NOV_3, 101));
        records.add(eventAt("user-4", "Viewed", NOV_1 + 10, 102));
        ApiResponse answer = client.post("/1/upload", batch(records.toArray(String[]::new)));
        assertThat(answer.json().get("processed").asInt()).as(answer.body()).isEqualTo(28);
    }

    /** Every page of an export, from its first cursor to the last page. */
    private static List<JsonNode> pages(TestServer.Client client, String path, String firstCursor) {
        List<JsonNode> pages = new ArrayList<>();
        String cursor = firstCursor;
        while (cursor != null) {
            ApiResponse page = client.get(path + "?cursor=" + cursor);
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            pages.add(page.json());
            cursor = page.json().has("next_cursor") ? page.json().get("next_cursor").asText() : null;
            assertThat(pages).hasSizeLessThan(1000);
        }
        return pages;
    }

    private static List<JsonNode> records(List<JsonNode> pages) {
        List<JsonNode> records = new ArrayList<>();
        pages.forEach(page -> page.get("records").forEach(records::add));
        return records;
    }

    private String start(TestServer.Client client, String path, int batchSize) {
        ApiResponse started = client.post(path + "?batch_size=" + batchSize, QUERY);
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        assertThat(started.json().get("status").asText()).isEqualTo("success");
        assertThat(started.json().has("records")).isFalse();
        String cursor = started.json().get("cursor").asText();
        assertThat(cursor).matches("[A-Za-z0-9_.-]+");
        return cursor;
    }

    @Test
    void eventsExport_pagesThroughTheRange_eachEventOnce_inPagesOfBatchSize() {
        uploadEvents(api);
        List<JsonNode> pages = pages(api, "/1/events.json", start(api, "/1/events.json", 10));
        assertThat(pages).extracting(p -> p.get("records").size()).containsExactly(10, 10, 5);
        assertThat(pages.get(2).has("next_cursor")).isFalse();
        List<JsonNode> events = records(pages);
        assertThat(events).extracting(e -> e.get("evtData").get("n").asInt())
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 25).boxed().toList());
        JsonNode first = events.get(0);
        assertThat(first.get("evtName").asText()).isEqualTo("Charged");
        assertThat(first.get("ts").asLong()).isEqualTo(NOV_1);
        assertThat(first.get("evtData").toString()).isEqualTo("{\"n\":0}");
        String user0 = api.get("/1/profile.json?identity=user-0").json().get("record").get("objectId").asText();
        assertThat(first.get("objectId").asText()).isEqualTo(user0);
        assertThat(events).extracting(e -> e.get("ts").asLong()).isSorted();
    }

    @Test
    void theNodeLibrarysForm_aGetWithTheQueryInTheUrl_answersTheSame() {
        uploadEvents(api);
        ApiResponse started = api.get("/1/events.json?batch_size=5000&query="
                + URLEncoder.encode(QUERY, StandardCharsets.UTF_8).replace("+", "%20"));
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        List<JsonNode> pages = pages(api, "/1/events.json", started.json().get("cursor").asText());
        assertThat(records(pages)).hasSize(25);
        assertThat(pages).hasSize(1);
    }

    @Test
    void profilesExport_givesEachProfileThatDidTheEventOnce_asProfileJsonShowsIt() {
        uploadEvents(api);
        api.post("/1/upload", batch(profile("identity", "user-1", "{\"Name\":\"One\"}")));
        List<JsonNode> pages = pages(api, "/1/profiles.json", start(api, "/1/profiles.json", 2));
        assertThat(pages).extracting(p -> p.get("records").size()).containsExactly(2, 1);
        List<JsonNode> profiles = records(pages);
        assertThat(profiles).extracting(p -> p.get("identity").asText())
                .containsExactlyInAnyOrder("user-0", "user-1", "user-2");
        JsonNode one = profiles.stream().filter(p -> p.get("identity").asText().equals("user-1")).findFirst()
                .orElseThrow();
        JsonNode read = api.get("/1/profile.json?identity=user-1").json().get("record");
        assertThat(one).isEqualTo(read);
        assertThat(one.get("name").asText()).isEqualTo("One");
        assertThat(one.get("events").get("Charged").get("count").asInt()).isEqualTo(8);
    }

    @Test
    void aRangeThatFillsItsLastPage_endsWithAnEmptyPageWithoutCursor_andTheProfilesExportTakesTheGetForm() {
        uploadEvents(api);
        List<JsonNode> pages = pages(api, "/1/events.json", start(api, "/1/events.json", 5));
        assertThat(pages).extracting(p -> p.get("records").size()).containsExactly(5, 5, 5, 5, 5, 0);
        assertThat(pages.get(5).has("next_cursor")).isFalse();

        ApiResponse started = api.get("/1/profiles.json?batch_size=3&query="
                + URLEncoder.encode(QUERY, StandardCharsets.UTF_8).replace("+", "%20"));
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        List<JsonNode> profiles = pages(api, "/1/profiles.json", started.json().get("cursor").asText());
        assertThat(profiles).extracting(p -> p.get("records").size()).containsExactly(3, 0);
    }

    @Test
    void aProfilesPageLargerThanWhatIsReadAtOnce_givesEachProfileOnce() {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            records.add(eventAt("many-" + i, "Charged", NOV_1 + i, i));
        }
        api.post("/1/upload", batch(records.toArray(String[]::new)));
        List<JsonNode> pages = pages(api, "/1/profiles.json", start(api, "/1/profiles.json", 200));
        assertThat(pages).extracting(p -> p.get("records").size()).containsExactly(200, 50);
        assertThat(records(pages)).extracting(p -> p.get("identity").asText()).doesNotHaveDuplicates().hasSize(250);
        assertThat(api.post("/1/counts/profiles.json", QUERY).json().get("count").asInt()).isEqualTo(250);
    }

    @Test
    void counts_ofEventsAndOfProfiles_inTheRange() {
        uploadEvents(api);
        assertThat(api.post("/1/counts/events.json", QUERY).body()).isEqualTo("{\"status\":\"success\",\"count\":25}");
        assertThat(api.post("/1/counts/profiles.json", QUERY).body())
                .isEqualTo("{\"status\":\"success\",\"count\":3}");
        assertThat(api.post("/1/counts/events.json",
                "{\"event_name\":\"Charged\",\"from\":\"20261101\",\"to\":\"20261101\"}").json().get("count").asInt())
                .isEqualTo(15);
        assertThat(api.post("/1/counts/events.json", "{\"event_name\":\"Nothing\",\"from\":20261101,\"to\":20261102}")
                .json().get("count").asInt()).isZero();
    }

    @Test
    void everyEventComesExactlyOnce_whileUploadsMergesAndDemergesGoOnBetweenPages() {
        TestServer.Client merging = server.newAccount(true, true, ConflictPolicy.MERGE);
        uploadEvents(merging);
        String cursor = start(merging, "/1/events.json", 4);
        Map<Integer, Integer> seen = new HashMap<>();
        int page = 0;
        while (cursor != null) {
            JsonNode answer = merging.get("/1/events.json?cursor=" + cursor).json();
            answer.get("records").forEach(e -> seen.merge(e.get("evtData").get("n").asInt(), 1, Integer::sum));
            cursor = answer.has("next_cursor") ? answer.get("next_cursor").asText() : null;
            page++;
            // between pages: new events all over the range, and a merge that moves user-2's events to user-1
            merging.post("/1/upload", batch(eventAt("user-5", "Charged", NOV_1 + page, 1000 + page),
                    eventAt("user-5", "Charged", NOV_3 - page, 2000 + page)));
            if (page == 2) {
                merging.post("/1/upload", batch(profile("identity", "user-2", "{\"Email\":\"two@x.co\"}")));
                merging.post("/1/upload", batch(profile("identity", "user-1", "{\"Email\":\"two@x.co\"}")));
            }
            if (page == 4) {
                // and a demerge, which gives user-2's events back to its own profile
                merging.post("/1/demerge/profiles.json", "{\"identities\":[\"user-1\"]}");
            }
        }
        for (int n = 0; n < 25; n++) {
            assertThat(seen.get(n)).as("event " + n).isEqualTo(1);
        }
        assertThat(seen.values()).allMatch(count -> count == 1);
    }

    @Test
    void badQueriesAndCursors_are400_withAClearError() {
        uploadEvents(api);
        for (String size : List.of("0", "5001", "abc", "-1", "")) {
            ApiResponse answer = api.post("/1/events.json?batch_size=" + size, QUERY);
            assertError(answer, 400, "batch_size must be a whole number from 1 to 5000");
        }
        for (String query : List.of("{}", "[]", "{\"from\":20261101,\"to\":20261102}",
                "{\"event_name\":\"Charged\",\"from\":20261332,\"to\":20261102}",
                "{\"event_name\":\"Charged\",\"from\":2026110,\"to\":20261102}",
                "{\"event_name\":\"Charged\",\"to\":20261102}",
                "{\"event_name\":\"Charged\",\"from\":20261103,\"to\":20261102}")) {
            assertError(api.post("/1/events.json", query), 400, null);
            assertError(api.post("/1/counts/events.json", query), 400, null);
            assertError(api.post("/1/profiles.json", query), 400, null);
            assertError(api.post("/1/counts/profiles.json", query), 400, null);
        }
        assertError(api.get("/1/events.json"), 400, null);

        String cursor = start(api, "/1/events.json", 10);
        char last = cursor.charAt(cursor.length() - 1);
        String forged = cursor.substring(0, cursor.length() - 1) + (last == 'A' ? 'B' : 'A');
        String invalid = "Cursor is not valid: use the cursor of the last answer as it was given";
        assertError(api.get("/1/events.json?cursor=" + forged), 400, invalid);
        assertError(api.get("/1/events.json?cursor=made-up"), 400, invalid);
        String[] parts = cursor.split("\\.");
        String otherPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8)
                        .replace("\"b\":10", "\"b\":5000").getBytes(StandardCharsets.UTF_8));
        assertError(api.get("/1/events.json?cursor=" + otherPayload + "." + parts[1]), 400, invalid);
        TestServer.Client other = server.newAccount();
        assertError(other.get("/1/events.json?cursor=" + cursor), 400, invalid);
        assertError(api.get("/1/profiles.json?cursor=" + cursor), 400,
                "Cursor is of an export of events, not of profiles");
        assertError(api.get("/1/events.json?cursor=" + start(api, "/1/profiles.json", 10)), 400,
                "Cursor is of an export of profiles, not of events");
        assertThat(api.get("/1/events.json?cursor=" + cursor).status()).isEqualTo(200);
    }

    @Test
    void aCursorWorksOnAnyServerOfTheFleet() {
        uploadEvents(api);
        String cursor = start(api, "/1/events.json", 10);
        try (TestServer second = new TestServer(server.databaseUrl(), dev.tether.config.Limits.defaults())) {
            ApiResponse page = TestServer.send(second.request("/1/events.json?cursor=" + cursor)
                    .header("X-CleverTap-Account-Id", api.accountId()).header("X-CleverTap-Passcode", api.passcode())
                    .GET());
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            assertThat(page.json().get("records")).hasSize(10);
        }
    }
}
