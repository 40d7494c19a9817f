package dev.tether.testing;

import com.fasterxml.jackson.databind.JsonNode;

/** A real HTTP answer: its status, raw body and the body as JSON. */
public record ApiResponse(int status, String body, JsonNode json) {
}
