package dev.tether.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.testing.Backend;
import dev.tether.testing.Programs;
import dev.tether.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The seed document's own Disassociate programs (src/test/resources/seed), run unchanged but for the base URL
 * and the credentials, against a real server. Each must get the success envelope for its two numbers. A
 * program whose tool is not installed is reported as skipped, never as passed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeedProgramsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Each seed program: its file, the tool that runs it (if installed here), where it runs, and how. */
    enum SeedProgram {
        CURL("disassociate.sh", () -> tool("curl", "--version"), (tool, file) -> List.of("bash", file)),
        PYTHON_REQUESTS("disassociate.py", Programs::pythonWithRequests, List::of),
        NODE_REQUEST("disassociate.js", () -> tool("node", "--version"), List::of),
        RUBY_NET_HTTP("disassociate.rb", () -> tool("ruby", "--version"), List::of),
        GO_NET_HTTP("disassociate.go", () -> tool("go", "version"), (tool, file) -> List.of(tool, "run", file));

        final String file;
        final Supplier<Optional<String>> tool;
        final BiFunction<String, String, List<String>> command;

        SeedProgram(String file, Supplier<Optional<String>> tool, BiFunction<String, String, List<String>> command) {
            this.file = file;
            this.tool = tool;
            this.command = command;
        }

        /** Node.js programs run inside the installed client project, so that require('request') resolves. */
        Path home() throws IOException {
            return this == NODE_REQUEST ? Programs.nodeProject() : Files.createTempDirectory("seed-");
        }

        private static Optional<String> tool(String name, String versionFlag) {
            return Programs.available(name, versionFlag) ? Optional.of(name) : Optional.empty();
        }
    }

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

    @ParameterizedTest
    @EnumSource(SeedProgram.class)
    void seedProgram_disassociatesBothNumbers(SeedProgram program) throws IOException {
        Optional<String> tool = program.tool.get();
        assumeTrue(tool.isPresent(), "no " + program.name().toLowerCase() + " tool on this machine: the seed's "
                + program.file + " is SKIPPED, not passed");
        Path home = program.home();
        Path file = Files.writeString(home.resolve(program.file), source(program.file));
        Programs.Result run = Programs.run(home, program.command.apply(tool.get(), file.toString()));
        assertThat(run.exitCode()).as(run.output()).isZero();
        String body = run.output().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(JSON.readTree(body).toString())
                .isEqualTo("{\"status\":\"success\",\"processed\":2,\"unprocessed\":[]}");
        assertThat(client.get("/1/profile.json?phone=%2B919213231415").status()).isEqualTo(404);
    }

    /** The seed program with the base URL and credentials of this server. */
    private String source(String file) throws IOException {
        return new String(getClass().getResourceAsStream("/seed/" + file).readAllBytes(), StandardCharsets.UTF_8)
                .replace("https://in1.api.clevertap.com", server.baseUrl())
                .replace("WWW-WWW-WWRZ", client.accountId())
                .replace("ICW-QKE-YSGL", client.passcode());
    }
}
