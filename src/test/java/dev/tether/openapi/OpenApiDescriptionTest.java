package dev.tether.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Backend;
import dev.tether.testing.OpenApiDocument;
import dev.tether.testing.Programs;
import dev.tether.testing.TestServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /openapi.json}: it describes every route the server has, it is a valid OpenAPI 3.1 document by a
 * validator written apart from Tether (npm's @apidevtools/swagger-parser), and the check that every test's exchange
 * goes through ({@link OpenApiDocument}) fails on what the document does not say.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDescriptionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private TestServer server;

    @BeforeAll
    void start() {
        server = new TestServer(Backend.SQLITE);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void everyRouteOfTheServer_isInTheDocument_andEveryOperationOfTheDocumentIsARoute() {
        List<String> routes = server.routes();
        assertThat(routes).contains("POST /1/upload", "GET /openapi.json", "GET /metrics");
        assertThat(OpenApiDocument.get().operations()).containsExactlyInAnyOrderElementsOf(routes);
    }

    @Test
    void theServerServesTheDocument_withoutCredentials() throws Exception {
        ApiResponse answer = TestServer.send(server.request("/openapi.json").GET());
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json()).isEqualTo(OpenApiDocument.get().document());
        assertThat(answer.json().get("openapi").asText()).isEqualTo("3.1.0");
    }

    @Test
    void aValidatorWrittenApartFromTether_findsTheDocumentValid_andABrokenOneNot(@TempDir Path dir)
            throws Exception {
        assumeTrue(Programs.available("node", "--version") && Programs.available("npm", "--version"),
                "Node.js or npm not found on this machine: the OpenAPI document's outside check is SKIPPED, not passed");
        Path served = dir.resolve("openapi.json");
        Files.writeString(served, TestServer.send(server.request("/openapi.json").GET()).body());
        Programs.Result valid = validate(served);
        assertThat(valid.exitCode()).as(valid.output()).isZero();
        assertThat(valid.output()).contains("valid OpenAPI 3.1.0");

        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, Files.readString(served).replace("\"#/components/schemas/Error\"",
                "\"#/components/schemas/NoSuchSchema\""));
        Programs.Result invalid = validate(broken);
        assertThat(invalid.exitCode()).as(invalid.output()).isNotZero();
        assertThat(invalid.output()).contains("NoSuchSchema");

        Path badPattern = dir.resolve("bad-pattern.json");
        Files.writeString(badPattern, Files.readString(served).replace("\"^Gender must be M or F",
                "\"^Gender\\\\ must be M or F"));
        Programs.Result pattern = validate(badPattern);
        assertThat(pattern.exitCode()).as(pattern.output()).isNotZero();
        assertThat(pattern.output()).contains("Invalid escape");
    }

    /** npm's swagger-parser, and every pattern compiled as ECMA-262, on that file (src/test/node/openapi-validate.js). */
    private static Programs.Result validate(Path document) {
        return Programs.run(Programs.nodeProject(), List.of("node", "openapi-validate.js", document.toString()));
    }

    /** The check itself: each of these answers is one the document does not describe. */
    @Test
    void theCheckOfEachExchange_failsOnAStatusAFieldACodeOrAPathTheDocumentDoesNotHave() {
        OpenApiDocument document = OpenApiDocument.get();
        String fine = "{\"status\":\"success\",\"processed\":1,\"unprocessed\":[]}";
        assertThat(document.problems(exchange("POST", "/1/disassociate", 200, fine))).isEmpty();
        assertThat(document.problems(exchange("POST", "/1/disassociate/", 200, fine))).as("a trailing slash")
                .isEmpty();
        assertThat(document.problems(exchange("POST", "/1/disassociate", 418, fine)))
                .singleElement().asString().contains("the status is not among the operation's answers");
        assertThat(document.problems(exchange("POST", "/1/disassociate", 200,
                "{\"status\":\"success\",\"processed\":1,\"unprocessed\":[],\"extra\":1}")))
                .singleElement().asString().contains("extra");
        assertThat(document.problems(exchange("POST", "/1/disassociate", 200, "{\"status\":\"partial\","
                + "\"processed\":0,\"unprocessed\":[{\"status\":\"fail\",\"code\":599,\"error\":\"Something. Skipped"
                + " record number : 1\",\"record\":{}}]}"))).as("a record code the endpoint does not have")
                .isNotEmpty();
        assertThat(document.problems(exchange("POST", "/1/disassociate", 200, "{\"status\":\"partial\","
                + "\"processed\":0,\"unprocessed\":[{\"status\":\"fail\",\"code\":543,\"error\":\"Another text."
                + " Skipped record number : 1\",\"record\":{}}]}"))).as("a code with a text not its own")
                .isNotEmpty();
        assertThat(document.problems(exchange("POST", "/1/disassociate", 200, "{\"status\":\"partial\","
                + "\"processed\":0,\"unprocessed\":[{\"status\":\"fail\",\"code\":543,\"error\":\"Phone number is not"
                + " associated with any profile. Skipped record number : 1\",\"record\":{}}]}"))).isEmpty();
        assertThat(document.problems(exchange("GET", "/1/nowhere", 200, fine)))
                .anyMatch(problem -> problem.contains("a path the document does not describe"));
        assertThat(document.problems(exchange("GET", "/1/nowhere", 404,
                "{\"status\":\"fail\",\"error\":\"Not found: GET /1/nowhere\",\"code\":404}"))).isEmpty();
        assertThat(document.problems(exchange("DELETE", "/1/upload", 405,
                "{\"status\":\"fail\",\"error\":\"Method DELETE not allowed on /1/upload\",\"code\":405}"))).isEmpty();
        assertThat(document.problems(exchange("GET", "/health", 200, "{\"status\":\"ok\",\"db\":\"up\"}")))
                .isNotEmpty();
        assertThat(document.problems(exchange("POST", "/1/upload", 409,
                "{\"status\":\"fail\",\"error\":\"Idempotency-Key was used with a different request\",\"code\":400}")))
                .singleElement().asString().contains("is not the HTTP status");
        assertThat(document.problems(exchange("POST", "/1/upload", 429,
                "{\"status\":\"fail\",\"error\":\"Too many concurrent requests\",\"code\":429}")))
                .singleElement().asString().contains("without Retry-After");
        assertThat(document.problems(exchange("POST", "/1/disassociate", 200, fine,
                Map.of("content-type", "application/json")))).singleElement().asString()
                .contains("X-Request-Id missing");
        assertThat(document.problems(exchange("GET", "/1/nowhere", 404,
                "{\"status\":\"fail\",\"error\":\"Not found: GET /1/nowhere\",\"code\":404}",
                Map.of("content-type", "application/json", "x-request-id", "two words"))))
                .singleElement().asString().contains("X-Request-Id two words");
    }

    /** Every answer the document describes names the X-Request-Id header, required. */
    @Test
    void everyAnswerOfTheDocument_carriesTheRequestId() {
        JsonNode document = OpenApiDocument.get().document();
        List<String> answers = new ArrayList<>();
        document.get("components").get("responses").fields().forEachRemaining(answer -> answers.add(
                answer.getKey() + (answer.getValue().at("/headers/X-Request-Id/$ref").asText()
                        .equals("#/components/headers/RequestId") ? "" : " without it")));
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(
                operation -> operation.getValue().get("responses").fields().forEachRemaining(answer -> {
                    JsonNode response = answer.getValue();
                    boolean carries = response.has("$ref") || response.at("/headers/X-Request-Id/$ref").asText()
                            .equals("#/components/headers/RequestId");
                    answers.add(operation.getKey() + " " + path.getKey() + " " + answer.getKey()
                            + (carries ? "" : " without it"));
                })));
        assertThat(answers).hasSizeGreaterThan(100).noneMatch(answer -> answer.endsWith(" without it"));
        assertThat(document.at("/components/headers/RequestId/required").asBoolean()).isTrue();
    }

    private static OpenApiDocument.Exchange exchange(String method, String path, int status, String body) {
        return exchange(method, path, status, body, Map.of("content-type", "application/json", "x-request-id",
                "0f8c2a51d6e94b7e8a1f3c5d7e9b0a24"));
    }

    private static OpenApiDocument.Exchange exchange(String method, String path, int status, String body,
                                                     Map<String, String> headers) {
        OpenApiDocument.servedAt(1);
        return new OpenApiDocument.Exchange(method, URI.create("http://127.0.0.1:1" + path),
                "{\"d\":[{\"type\":\"phone\",\"value\":\"+14155550100\"}]}".getBytes(StandardCharsets.UTF_8),
                status, headers, body);
    }
}
