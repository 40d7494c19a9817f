package dev.tether.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.testing.Backend;
import dev.tether.testing.Programs;
import dev.tether.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
