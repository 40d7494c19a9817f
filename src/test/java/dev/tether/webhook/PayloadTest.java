package dev.tether.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The outbox's payload lines give back exactly the fields they were made of, whatever the fields hold. */
class PayloadTest {
    private static final char[] AWKWARD = {'\t', '\n', '\\', 't', 'n', 'x', '"', 'é', '\r'};

    @Test
    void fieldsWithTabsNewlinesAndBackslashes_comeBackAsTheyWere() {
        assertThat(Payload.split(Payload.join("1", "a\tb", "c\nd", "e\\f", "\\t", ""))).containsExactly("1", "a\tb",
                "c\nd", "e\\f", "\\t", "");
        Random random = new Random(42);
        for (int round = 0; round < 10_000; round++) {
            List<String> fields = new ArrayList<>();
            for (int f = 0; f < 1 + random.nextInt(6); f++) {
                StringBuilder field = new StringBuilder();
                for (int c = random.nextInt(8); c > 0; c--) {
                    field.append(AWKWARD[random.nextInt(AWKWARD.length)]);
                }
                fields.add(field.toString());
            }
            String line = Payload.join(fields.toArray(String[]::new));
            assertThat(line).doesNotContain("\n");
            assertThat(Payload.split(line)).as(fields.toString()).isEqualTo(fields);
        }
    }
}
