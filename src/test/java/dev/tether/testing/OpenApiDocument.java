package dev.tether.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The server's own {@code /openapi.json} (from the build's resources), and the check of one exchange against it:
 * the path and method are described (else the answer is the 404 or 405 the document's rules name), the status is
 * one the operation lists, a JSON answer matches that status's schema, and a request the server took whole (a 200
 * with no record left unprocessed) matches the request's schema. Schemas are JSON Schema in OpenAPI 3.1's dialect,
 * checked by networknt's json-schema-validator. {@link TestServer#send} checks every exchange of the tests with it.
 */
public final class OpenApiDocument {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OpenApiDocument INSTANCE = new OpenApiDocument();

    /** The ports of the Tether servers this JVM started: exchanges with others (a webhook receiver) are not held to it. */
    private static final Set<Integer> TETHER_PORTS = ConcurrentHashMap.newKeySet();

    private final JsonNode document;
    private final Schema root;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    /** One request and its answer, as the client saw them; the answer's headers by lower-case name, first value. */
    public record Exchange(String method, URI uri, byte[] requestBody, int status, Map<String, String> headers,
                           String responseBody) {
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        /** From the JDK client's answer. */
        public static Exchange of(String method, URI uri, byte[] requestBody, HttpResponse<String> response) {
            Map<String, String> headers = new TreeMap<>();
            response.headers().map().forEach((name, values) -> {
                if (!values.isEmpty()) {
                    headers.put(name.toLowerCase(Locale.ROOT), values.get(0));
                }
            });
            return new Exchange(method, uri, requestBody, response.statusCode(), headers, response.body());
        }

        /** From an answer read off a socket as text ({@code HTTP/1.1 400 ...}, headers, a blank line, the body). */
        public static Exchange ofRaw(String method, URI uri, String answer) {
            int end = answer.indexOf("\r\n\r\n");
            String[] head = answer.substring(0, end).split("\r\n");
            Map<String, String> headers = new TreeMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                headers.putIfAbsent(head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        head[i].substring(colon + 1).trim());
            }
            return new Exchange(method, uri, new byte[0], Integer.parseInt(head[0].substring(9, 12)), headers,
                    answer.substring(end + 4));
        }
    }

    /** Fails the test with what in the exchange the document does not describe. */
    public void assertDescribes(Exchange exchange) {
        List<String> problems = problems(exchange);
        if (!problems.isEmpty()) {
            throw new AssertionError("the answer is not as /openapi.json describes it:\n" + String.join("\n", problems));
        }
    }

    private OpenApiDocument() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is not on the class path");
            }
            document = JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SchemaRegistry registry = SchemaRegistry.withDialect(Dialects.getOpenApi31());
        root = registry.getSchema(SchemaLocation.of("https://tether.invalid/openapi.json"), document);
    }

    /** A Tether server answers on this local port: its exchanges are checked from now on. */
    public static void servedAt(int port) {
        TETHER_PORTS.add(port);
    }

    /** That server stopped: the port may next be another program's. */
    public static void noLongerServedAt(int port) {
        TETHER_PORTS.remove(port);
    }

    public static OpenApiDocument get() {
        return INSTANCE;
    }

    public JsonNode document() {
        return document;
    }

    /** The operations the document describes, as {@code "GET /health"}. */
    public List<String> operations() {
        List<String> operations = new ArrayList<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(
                method -> operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
        return operations;
    }

    /** What in the exchange the document does not describe; empty when it describes all of it. */
    public List<String> problems(Exchange exchange) {
        if (!TETHER_PORTS.contains(exchange.uri().getPort())) {
            return List.of();
        }
        String what = exchange.method() + " " + exchange.uri().getRawPath() + " -> " + exchange.status();
        List<String> problems = new ArrayList<>();
        String requestIds = document.at("/components/headers/RequestId/schema/pattern").asText();
        if (!exchange.header("X-Request-Id").filter(id -> id.matches(requestIds)).isPresent()) {
            problems.add(what + ": X-Request-Id " + exchange.header("X-Request-Id").orElse("missing") + ", not "
                    + requestIds);
        }
        String path = exchange.uri().getRawPath();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1); // a trailing slash is optional on every path
        }
        JsonNode pathItem = document.get("paths").get(path);
        String method = exchange.method().toLowerCase(Locale.ROOT);
        if (pathItem == null || pathItem.get(method) == null) {
            // the document's rule: any other path is 404, another method of a described path 405, in the Error shape
            int expected = pathItem == null ? 404 : 405;
            if (exchange.status() != expected && exchange.status() != 400 && exchange.status() != 414
                    && exchange.status() != 431) {
                problems.add(what + ": " + (pathItem == null ? "a path" : "a method") + " the document does not"
                        + " describe, answered " + exchange.status() + " instead of " + expected);
            }
            // CAMARA's paths answer in CAMARA's shape (the document's rule too)
            checkJson(what, path.startsWith("/number-recycling/") ? "#/components/schemas/CamaraError"
                    : "#/components/schemas/Error", exchange.responseBody(), problems);
            checkErrorCode(what, exchange, problems);
            return problems;
        }
        String pointer = "#/paths/" + escape(path) + "/" + method;
        JsonNode operation = pathItem.get(method);
        JsonNode response = operation.get("responses").get(Integer.toString(exchange.status()));
        if (response == null) {
            problems.add(what + ": the status is not among the operation's answers");
            return problems;
        }
        String responsePointer = pointer + "/responses/" + exchange.status();
        if (response.has("$ref")) {
            responsePointer = response.get("$ref").asText();
            response = resolve(responsePointer);
        }
        JsonNode content = response.get("content");
        if (content != null) {
            String type = exchange.header("Content-Type").map(t -> t.split(";")[0].trim()).orElse("");
            if (!content.has(type)) {
                problems.add(what + ": answered as " + type + ", documented as " + content.fieldNames().next());
            } else if (type.equals("application/json") && content.get(type).has("schema")) {
                checkJson(what, responsePointer + "/content/application~1json/schema", exchange.responseBody(),
                        problems);
            }
        }
        checkErrorCode(what, exchange, problems);
        if (exchange.status() == 429 && exchange.header("Retry-After").isEmpty()) {
            problems.add(what + ": a 429 without Retry-After");
        }
        exchange.header("Idempotent-Replayed").ifPresent(replayed -> {
            if (!replayed.equals("true") || !operation.has("parameters")
                    || !operation.get("parameters").toString().contains("IdempotencyKey")) {
                problems.add(what + ": Idempotent-Replayed: " + replayed + " where the document has no such answer");
            }
        });
        if (exchange.status() == 200 && tookWhole(exchange.responseBody()) && operation.has("requestBody")
                && exchange.requestBody().length > 0) {
            checkJson(what + " (the request)", pointer + "/requestBody/content/application~1json/schema",
                    new String(exchange.requestBody(), StandardCharsets.UTF_8), problems);
        }
        return problems;
    }

    /** The error shape's {@code code} is the HTTP status, always; CAMARA's shape has it as its {@code status}. */
    private static void checkErrorCode(String what, Exchange exchange, List<String> problems) {
        if (exchange.status() < 400) {
            return;
        }
        try {
            JsonNode body = JSON.readTree(exchange.responseBody());
            if (body != null && body.has("code") && body.get("code").isTextual()) {
                if (!body.has("status") || body.get("status").asInt() != exchange.status()) {
                    problems.add(what + ": the CAMARA error's status " + body.get("status") + " is not the HTTP"
                            + " status");
                }
            } else if (body != null && body.has("code") && body.get("code").asInt() != exchange.status()) {
                problems.add(what + ": the error's code " + body.get("code") + " is not the HTTP status");
            }
        } catch (IOException notJson) {
            // said by checkJson
        }
    }

    /** A 200 whose batch answer left no record unprocessed (or that is no batch answer at all). */
    private static boolean tookWhole(String body) {
        try {
            JsonNode answer = JSON.readTree(body);
            return answer == null || !answer.has("unprocessed") || answer.get("unprocessed").isEmpty();
        } catch (IOException notJson) {
            return false;
        }
    }

    private void checkJson(String what, String pointer, String body, List<String> problems) {
        JsonNode value;
        try {
            value = JSON.readTree(body);
        } catch (IOException e) {
            problems.add(what + ": not JSON: " + abbreviate(body));
            return;
        }
        if (value == null) {
            problems.add(what + ": no body, where the document describes one");
            return;
        }
        List<Error> errors = schema(pointer).validate(value);
        for (Error error : errors) {
            problems.add(what + ": " + error + " in " + abbreviate(body));
        }
    }

    private Schema schema(String pointer) {
        return schemas.computeIfAbsent(pointer, p -> {
            Schema schema = root.getSubSchema(SchemaLocation.Fragment.of(p.substring(1)));
            schema.initializeValidators();
            return schema;
        });
    }

    private JsonNode resolve(String pointer) {
        JsonNode node = document.at(pointer.substring(1));
        if (node.isMissingNode()) {
            throw new IllegalStateException("the document refers to " + pointer + ", which it does not have");
        }
        return node;
    }

    private static String escape(String path) {
        return path.replace("~", "~0").replace("/", "~1");
    }

    private static String abbreviate(@Nullable String text) {
        if (text == null) {
            return "(nothing)";
        }
        return text.length() > 400 ? text.substring(0, 400) + "..." : text;
    }
}
