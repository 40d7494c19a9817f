package dev.tether.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.config.Limits;
import dev.tether.testing.Backend;
import dev.tether.testing.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's copy row: tether copy as its own process, its rows counted and its peak memory read. No timing claim. */
class CopyBenchTest {
    @TempDir
    Path out;

    private static long rows(String url) throws Exception {
        long rows = 0;
        try (Connection connection = DriverManager.getConnection(url);
             Statement statement = connection.createStatement()) {
            for (String table : List.of("accounts", "passcodes", "audit_entries", "server_keys", "profiles", "identity_bindings",
                    "identity_keys", "profile_merges", "events", "subscriptions", "idempotency_keys",
                    "webhook_endpoints", "webhook_outbox", "webhook_attempts")) {
                try (ResultSet count = statement.executeQuery("SELECT count(*) FROM " + table)) {
                    count.next();
                    rows += count.getLong(1);
                }
            }
        }
        return rows;
    }

    @Test
    void theCopyRow_countsEveryRowCopied_andReadsThePeakMemoryOfTheProcess() throws Exception {
        String source = Backend.SQLITE.newDatabaseUrl();
        try (TestServer server = new TestServer(source, Limits.defaults())) {
            TestServer.Client client = server.newAccount();
            StringBuilder body = new StringBuilder("{\"d\":[");
            for (int i = 0; i < 200; i++) {
                body.append(i == 0 ? "" : ",").append("{\"type\":\"event\",\"identity\":\"u").append(i % 20)
                        .append("\",\"evtName\":\"Seen\",\"evtData\":{}}");
            }
            assertThat(client.post("/1/upload", body.append("]}").toString()).json().get("processed").asInt())
                    .isEqualTo(200);
        }
        BenchResult row = CopyBench.run(source, Backend.POSTGRES.newDatabaseUrl(), "128m", out.resolve("copy.log"));
        assertThat(row.workload()).isEqualTo(CopyBench.ROW);
        assertThat(row.records()).as("every row of the source's tables").isEqualTo(rows(source)).isGreaterThan(260);
        assertThat(row.rssMb()).isPositive();
        assertThat(row.seconds()).isPositive();
    }
}
