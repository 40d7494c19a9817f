package dev.tether.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.testing.Backend;
import dev.tether.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The seed document's own Disassociate programs (src/test/resources/seed), run unchanged but for the base URL
 * and the credentials, against a real server. Each must get the success envelope for its two numbers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeedProgramsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestServer server;
    private TestServer.Client client;

    @BeforeAll
    void start() {
        server = new TestServer(Backend.SQLITE);
        client = server.newAccount();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** Binds both of the seed's numbers again, so that each program disassociates two bound numbers. */
    @BeforeEach
    void bindTheSeedNumbers() {
        String body = "{\"d\":[{\"type\":\"profile\",\"identity\":\"+919213231415\",\"profileData\":{}},"
                + "{\"type\":\"profile\",\"identity\":\"+919213231416\",\"profileData\":{}}]}";
        assertThat(client.post("/1/upload", body).json().get("processed").asInt()).isEqualTo(2);
    }

    private Path program(String name) throws IOException {
        String source = new String(getClass().getResourceAsStream("/seed/" + name).readAllBytes(),
                StandardCharsets.UTF_8)
                .replace("https://in1.api.clevertap.com", server.baseUrl())
                .replace("WWW-WWW-WWRZ", client.accountId())
                .replace("ICW-QKE-YSGL", client.passcode());
        Path dir = Files.createTempDirectory("seed-");
        Path file = dir.resolve(name);
        Files.writeString(file, source);
        return file;
    }

    private void assertDisassociatedBoth(Programs.Result run) throws IOException {
        assertThat(run.exitCode()).as(run.output()).isZero();
        String body = run.output().strip().lines().reduce((a, b) -> b).orElseThrow();
        JsonNode envelope = JSON.readTree(body);
        assertThat(envelope.toString()).isEqualTo("{\"status\":\"success\",\"processed\":2,\"unprocessed\":[]}");
        assertThat(client.get("/1/profile.json?phone=%2B919213231415").status()).isEqualTo(404);
    }

    @Test
    void curl() throws IOException {
        assumeTrue(Programs.available("curl", "--version"), "curl not found: the seed's curl program is SKIPPED");
        Path script = program("disassociate.sh");
        assertDisassociatedBoth(Programs.run(script.getParent(), List.of("bash", script.toString())));
    }

    @Test
    void pythonRequests() throws IOException {
        Optional<String> python = Programs.pythonWithRequests();
        assumeTrue(python.isPresent(), "no Python with the requests library: the seed's Python program is SKIPPED");
        Path script = program("disassociate.py");
        assertDisassociatedBoth(Programs.run(script.getParent(), List.of(python.get(), script.toString())));
    }

    @Test
    void nodeRequest() throws IOException {
        assumeTrue(Programs.available("node", "--version") && Programs.available("npm", "--version"),
                "Node.js not found: the seed's Node.js program is SKIPPED");
        Path script = program("disassociate.js");
        Path project = Programs.nodeProject();
        Path copy = project.resolve("seed-disassociate.js");
        Files.copy(script, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertDisassociatedBoth(Programs.run(project, List.of("node", copy.toString())));
    }

    @Test
    void rubyNetHttp() throws IOException {
        assumeTrue(Programs.available("ruby", "--version"), "ruby not found: the seed's Ruby program is SKIPPED");
        Path script = program("disassociate.rb");
        assertDisassociatedBoth(Programs.run(script.getParent(), List.of("ruby", script.toString())));
    }

    @Test
    void goNetHttp() throws IOException {
        assumeTrue(Programs.available("go", "version"), "go not found: the seed's Go program is SKIPPED");
        Path script = program("disassociate.go");
        List<String> command = new ArrayList<>(List.of("go", "run", script.toString()));
        assertDisassociatedBoth(Programs.run(script.getParent(), command));
    }
}
