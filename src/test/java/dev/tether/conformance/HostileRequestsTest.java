package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testing.Backend;
import dev.tether.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The hostile requests refused as a whole (4xx) before any transaction: the same on every backend, so run once,
 * here, on SQLite; the conformance suite of each backend runs the cases that reach the store.
 */
class HostileRequestsTest extends HostileInputContract {
    @Override
    protected Backend backend() {
        return Backend.SQLITE;
    }

    @Override
    protected boolean runs(Case c) {
        return c.status() != 200;
    }

    @Test
    void bodiesOverTheLimit_are413_evenOneOf100MegabytesSentWhole() throws Exception {
        byte[] overLimit = new byte[16 * 1024 * 1024 + 1];
        Arrays.fill(overLimit, (byte) ' ');
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/1/upload"))
                .header("X-CleverTap-Account-Id", api.accountId()).header("X-CleverTap-Passcode", api.passcode())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(overLimit)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(response.body()).get("code").asInt()).isEqualTo(413);

        String answer = sendHuge(100L * 1024 * 1024);
        assertThat(answer).startsWith("HTTP/1.1 413");
        assertThat(answer).contains("{\"status\":\"fail\"");
        assertThat(TestServer.send(server.request("/health").GET()).status()).isEqualTo(200);
    }

    /** Streams a body of that many bytes over a raw socket while reading the answer, which may come early. */
    private String sendHuge(long bytes) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /1/upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "X-CleverTap-Account-Id: " + api.accountId() + "\r\nX-CleverTap-Passcode: " + api.passcode()
                    + "\r\nContent-Length: " + bytes + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            Thread writer = new Thread(() -> {
                byte[] chunk = new byte[1 << 16];
                Arrays.fill(chunk, (byte) ' ');
                try {
                    for (long sent = 0; sent < bytes; sent += chunk.length) {
                        out.write(chunk, 0, (int) Math.min(chunk.length, bytes - sent));
                    }
                } catch (IOException closedEarly) {
                    // the server answered and closed: what a server should do with such a body
                }
            });
            writer.setDaemon(true);
            writer.start();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            StringBuilder answer = new StringBuilder();
            int n;
            while (!answer.toString().contains("}") && (n = in.read(buffer)) > 0) {
                answer.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
            return answer.toString();
        }
    }
}

