package dev.tether.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpHeaders;
import java.util.Optional;

/** What the server answered: status, body as text and as JSON (null when it is not JSON), and the headers. */
public record ApiResponse(int status, String body, JsonNode json, HttpHeaders headers) {
    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }
}
