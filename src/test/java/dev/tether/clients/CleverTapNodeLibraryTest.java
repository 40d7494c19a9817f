package dev.tether.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.account.ConflictPolicy;
import dev.tether.testing.Backend;
import dev.tether.testing.Programs;
import dev.tether.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** CleverTap's official Node.js library (npm clevertap 1.3.0), pointed at Tether by its base URL only. */
class CleverTapNodeLibraryTest {

    @Test
    void officialNodeLibrary_uploadsReadsAndDisassociates() throws Exception {
        assumeTrue(Programs.available("node", "--version") && Programs.available("npm", "--version"),
                "Node.js or npm not found on this machine: the CleverTap Node.js library test is SKIPPED, not passed");
        try (TestServer server = new TestServer(Backend.SQLITE)) {
            TestServer.Client client = server.newAccount();
            Programs.Result run = Programs.run(Programs.nodeProject(), List.of("node", "clevertap-client.js",
                    server.baseUrl(), client.accountId(), client.passcode()));
            assertThat(run.exitCode()).as(run.output()).isZero();
            String lastLine = run.output().strip().lines().reduce((a, b) -> b).orElseThrow();
            JsonNode seen = new ObjectMapper().readTree(lastLine);

            assertThat(seen.get("upload").toString()).isEqualTo("{\"status\":\"success\",\"processed\":2,\"unprocessed\":[]}");
            JsonNode record = seen.get("profile").get("record");
            assertThat(seen.get("profile").get("status").asText()).isEqualTo("success");
            assertThat(record.get("name").asText()).isEqualTo("Node User");
            assertThat(record.get("phone").asText()).isEqualTo("+919213231415");
            assertThat(record.get("events").get("Charged").get("count").asInt()).isEqualTo(1);
            assertThat(seen.get("disassociate").get("status").asText()).isEqualTo("success");
            assertThat(seen.get("after").get("record").has("phone")).isFalse();
            assertThat(seen.get("after").get("record").get("objectId")).isEqualTo(record.get("objectId"));
        }
    }

    /**
     * The rest of the profile API through the library, on both backends: subscribe, counts, the events and profiles
     * exports paged to their end over 12,000 events (each returned exactly once), demerge and delete.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRES"})
    void officialNodeLibrary_subscribesCountsExportsDemergesAndDeletes(Backend backend) throws Exception {
        assumeTrue(Programs.available("node", "--version") && Programs.available("npm", "--version"),
                "Node.js or npm not found on this machine: the CleverTap Node.js library test is SKIPPED, not passed");
        int events = 12_000;
        try (TestServer server = new TestServer(backend)) {
            TestServer.Client client = server.newAccount(true, true, ConflictPolicy.MERGE);
            Programs.Result run = Programs.run(Programs.nodeProject(), List.of("node", "clevertap-profile-api.js",
                    server.baseUrl(), client.accountId(), client.passcode(), Integer.toString(events)));
            assertThat(run.exitCode()).as(run.output()).isZero();
            String lastLine = run.output().strip().lines().reduce((a, b) -> b).orElseThrow();
            JsonNode seen = new ObjectMapper().readTree(lastLine);

            assertThat(seen.get("uploaded").asInt()).isEqualTo(events);
            assertThat(seen.get("subscribe").toString())
                    .isEqualTo("{\"status\":\"success\",\"processed\":1,\"unprocessed\":[]}");
            assertThat(seen.get("profile").get("record").get("subscriptions").toString())
                    .isEqualTo("{\"phone\":\"Unsubscribe\"}");
            assertThat(seen.get("eventsCount").toString()).isEqualTo("{\"status\":\"success\",\"count\":12000}");
            assertThat(seen.get("profilesCount").toString()).isEqualTo("{\"status\":\"success\",\"count\":40}");
            assertThat(seen.get("exported").asInt()).isEqualTo(events);
            assertThat(seen.get("duplicatesOrMissing").asInt()).isZero();
            assertThat(seen.get("firstEvent").get("evtName").asText()).isEqualTo("Charged");
            assertThat(seen.get("profilesExported").asInt()).isEqualTo(40);
            assertThat(seen.get("distinctProfiles").asInt()).isEqualTo(40);
            assertThat(seen.get("mergedInto").asText()).isNotEqualTo(seen.get("annaGuid").asText());
            assertThat(seen.get("demerge").toString()).isEqualTo("{\"status\":\"success\",\"processed\":1}");
            assertThat(seen.get("demerged").get("record").get("objectId")).isEqualTo(seen.get("annaGuid"));
            assertThat(seen.get("demerged").get("record").get("profileData").get("Kept").asText()).isEqualTo("a");
            assertThat(seen.get("demerged").get("record").get("profileData").has("Own")).isFalse();
            JsonNode survivor = seen.get("survivor").get("record");
            assertThat(survivor.get("objectId")).isEqualTo(seen.get("mergedInto"));
            assertThat(survivor.get("profileData").get("Own").asText()).isEqualTo("b");
            assertThat(survivor.get("profileData").has("Kept")).isFalse();
            assertThat(seen.get("deletion").toString()).isEqualTo("{\"status\":\"success\",\"processed\":1}");
            assertThat(seen.get("deleted").get("status").asText()).isEqualTo("fail");
            assertThat(server.violations()).isEmpty();
        }
    }
}
