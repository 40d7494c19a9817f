package dev.tether.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.batch.InvalidRequestException;
import dev.tether.store.EventRange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Cursor tokens: read back as given, URL-safe, and refused when changed, signed by another key, or expired. */
class CursorCodecTest {
    private static final byte[] KEY = "a key of thirty-two bytes, here!".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-30T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final CursorCodec codec = new CursorCodec(KEY, clock);
    private final ExportCursor cursor = ExportCursor.start("AAA-AAA-AAAA", ExportKind.EVENTS,
            new EventRange("Charged + more/?&=", 1_793_491_200L, 1_793_664_000L), 5000, codec.expiry())
            .after(1_793_491_205L, "0123456789abcdef0123456789abcdef", codec.expiry());

    @Test
    void aTokenReadsBackAsTheCursorItCarries_andIsUrlSafe() {
        String token = codec.encode(cursor);
        assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        assertThat(codec.decode(token, "AAA-AAA-AAAA")).isEqualTo(cursor);
    }

    @Test
    void aTokenOfAnotherKeyOrAccount_orChanged_isRefused() {
        String token = codec.encode(cursor);
        String other = new CursorCodec("another key, also 32 bytes long!".getBytes(
                java.nio.charset.StandardCharsets.UTF_8), clock).encode(cursor);
        // the signature's last character carries spare bits: changing only them still changes the token
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(token.charAt(token.length() - 1));
        // a 32-byte signature leaves the two lowest bits of its 43rd character spare: flip only the lowest
        String spareBits = token.substring(0, token.length() - 1) + alphabet.charAt(last ^ 1);
        assertThat(java.util.Base64.getUrlDecoder().decode(spareBits.split("\\.")[1]))
                .isEqualTo(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        for (String bad : new String[] {other, token + "x", token.replace('.', '_'), "", "." + token, spareBits}) {
            assertThatThrownBy(() -> codec.decode(bad, "AAA-AAA-AAAA")).isInstanceOf(InvalidRequestException.class)
                    .hasMessageStartingWith("Cursor is not valid");
        }
        assertThatThrownBy(() -> codec.decode(token, "BBB-BBB-BBBB")).isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("Cursor is not valid");
    }

    @Test
    void aTokenOverItsLifetime_isRefusedAsExpired() {
        String token = codec.encode(cursor);
        now.set(now.get().plus(CursorCodec.LIFETIME).minusSeconds(1));
        assertThat(codec.decode(token, "AAA-AAA-AAAA")).isEqualTo(cursor);
        now.set(now.get().plus(Duration.ofSeconds(2)));
        assertThatThrownBy(() -> codec.decode(token, "AAA-AAA-AAAA")).isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("Cursor has expired");
    }
}
