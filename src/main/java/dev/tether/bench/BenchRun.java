package dev.tether.bench;

import dev.tether.store.Store;
import dev.tether.store.Stores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One benchmark run: a database, the data loaded in-process, the server started as its own process with its
 * own heap limit, every workload at every concurrency, and the report.
 */
public final class BenchRun {
    private BenchRun() {
    }

    /** What to measure. */
    public record Plan(int profiles, List<Integer> clients, Duration perRun, String serverHeap) {
        int maxClients() {
            return clients.stream().mapToInt(Integer::intValue).max().orElse(1);
        }
    }

    /** Runs the benchmark and returns its report as Markdown. */
    public static String run(Plan plan, String jdbcUrl, Path out) throws Exception {
        String url = jdbcUrl == null || jdbcUrl.isBlank() ? freshSqlite(out) : jdbcUrl;
        int poolSize = Math.max(8, plan.maxClients());
        List<BenchResult> results = new ArrayList<>();
        String backend;
        try (Store store = Stores.open(url, poolSize)) {
            backend = store.backendName();
            Benchmark benchmark = new Benchmark(store, plan.profiles(), plan.perRun(), System.err);
            results.add(benchmark.load());
            settle(url);
            try (BenchServer server = BenchServer.start(url, plan.serverHeap(), plan.maxClients(),
                    out.resolve("server.log"))) {
                benchmark.warmUp(server, plan.perRun());
                for (int clients : plan.clients()) {
                    results.addAll(benchmark.runAll(clients, server));
                }
            }
        }
        String title = String.format("%s, %,d profiles, server -Xmx%s, %d cores, Java %s", backend, plan.profiles(),
                plan.serverHeap(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        BenchReport.write(out, title, results);
        return BenchReport.markdown(title, results);
    }

    /**
     * Lets the database settle after the load, as a deployment's would have, so that the first rows do not
     * measure the load's aftermath: PostgreSQL's autovacuum and its checkpoint of the load's WAL ran during them
     * and took a third of the throughput. PostgreSQL: VACUUM ANALYZE, then CHECKPOINT (needs a superuser;
     * skipped otherwise). SQLite: the WAL is checkpointed into the file.
     */
    private static void settle(String url) {
        List<String> steps = url.startsWith("jdbc:postgresql:") ? List.of("VACUUM ANALYZE", "CHECKPOINT")
                : List.of("PRAGMA wal_checkpoint(TRUNCATE)");
        for (String step : steps) {
            try (Connection connection = DriverManager.getConnection(url);
                 Statement statement = connection.createStatement()) {
                System.err.println("settling after the load: " + step);
                statement.execute(step);
            } catch (SQLException e) {
                System.err.println("settling after the load: " + step + " skipped: " + e.getMessage());
            }
        }
    }

    private static String freshSqlite(Path out) throws IOException {
        Files.createDirectories(out);
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(out.resolve("bench.db" + suffix));
        }
        return "jdbc:sqlite:" + out.resolve("bench.db").toAbsolutePath();
    }
}
