package dev.tether.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The rule for a request's own X-Request-Id is one rule: the server's and the one /openapi.json publishes. */
class RequestIdsTest {
    @Test
    void theSafeIdsTheServerKeeps_areTheOnesTheOpenApiDocumentDescribes() throws Exception {
        try (InputStream document = RequestIds.class.getResourceAsStream("/openapi.json")) {
            String published = new ObjectMapper().readTree(document).at("/components/headers/RequestId/schema/pattern")
                    .asText();
            assertThat(published).isEqualTo("^" + RequestIds.SAFE.pattern() + "$");
        }
        assertThat(RequestIds.fresh()).matches(RequestIds.SAFE).hasSize(32);
        assertThat(RequestIds.SAFE.matcher("-").matches()).as("the log's placeholder for no id").isFalse();
    }
}
