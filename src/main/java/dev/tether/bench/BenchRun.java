package dev.tether.bench;

import dev.tether.store.Store;
import dev.tether.store.Stores;
import dev.tether.webhook.SecretBox;
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
import java.util.Locale;
import java.util.Optional;

/**
 * One benchmark run: a database; the dataset uploaded through HTTP into it while it is fresh (when it held no
 * account), the rest of the data loaded in-process; the server started as its own process with its own heap limit,
 * every workload at every concurrency on the settled database, and the report.
 */
public final class BenchRun {
    /** The big account's events when the reads that the full run's are compared with are measured. */
    static final long FEW_EVENTS = 10_000;
    static final String READS_WITH_FEW_EVENTS = String.format(Locale.ROOT,
            "GET /1/profile.json by phone, account with %,d events", FEW_EVENTS);

    private BenchRun() {
    }

    /** What to measure. */
    public record Plan(int profiles, List<Integer> clients, Duration perRun, String serverHeap, long events,
                       Optional<String> copyTo) {
        int maxClients() {
            return clients.stream().mapToInt(Integer::intValue).max().orElse(1);
        }
    }

    /** Draws the charts of an earlier run again, from the bench.json in this folder. */
    public static void redraw(Path out) throws IOException {
        BenchCharts.write(out, BenchReport.read(out));
    }

    /** Runs the benchmark and returns its report as Markdown. */
    public static String run(Plan plan, String jdbcUrl, Path out) throws Exception {
        String url = jdbcUrl == null || jdbcUrl.isBlank() ? freshSqlite(out) : jdbcUrl;
        int poolSize = Math.max(8, plan.maxClients());
        List<BenchResult> results = new ArrayList<>();
        List<ExportBench.Heap> heap = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String backend;
        try (Store store = Stores.open(url, poolSize)) {
            backend = store.backendName();
            boolean fresh = store.read(tx -> tx.accounts().list()).isEmpty();
            Path keyFile = out.toAbsolutePath().resolve("webhook.key");
            Benchmark benchmark = new Benchmark(store, new SecretBox(keyFile), plan.profiles(), plan.perRun(),
                    System.err);
            benchmark.createAccount();
            if (fresh) {
                // the server opens the database as a deployment's first server does: just migrated, nothing settled
                try (BenchServer server = BenchServer.start(url, plan.serverHeap(), plan.maxClients(),
                        out.resolve("server-fresh.log"), keyFile, List.of())) {
                    results.addAll(benchmark.freshImport(server));
                }
                results.add(benchmark.loadReserve());
            } else {
                System.err.println("the database held accounts before this run: no fresh-database rows");
                results.add(benchmark.load());
            }
            results.add(benchmark.loadOtherAccounts(plan.events()));
            Benchmark.EventLoad events = benchmark.events(plan.events());
            if (plan.events() > FEW_EVENTS) {
                results.add(events.load(String.format(Locale.ROOT, "load: upload events (the first %,d)", FEW_EVENTS),
                        0, FEW_EVENTS));
                results.addAll(readsWithFewEvents(plan, url, out, keyFile, benchmark));
                results.add(events.load("load: upload events (the rest)", FEW_EVENTS, plan.events()));
            } else if (plan.events() > 0) {
                results.add(events.load("load: upload events", 0, plan.events()));
            }
            ExportBench exports = benchmark.exports(plan.events());
            settle(url);
            try (BenchServer server = BenchServer.start(url, plan.serverHeap(), plan.maxClients(),
                    out.resolve("server.log"), keyFile, List.of())) {
                benchmark.warmUp(server, plan.perRun());
                for (int clients : plan.clients()) {
                    results.addAll(benchmark.runAll(clients, server, () -> BenchServer.start(url, plan.serverHeap(),
                            plan.maxClients(), out.resolve("server-metrics-off-" + clients + ".log"), keyFile,
                            List.of("--metrics", "off"))));
                }
                ContentionBench.Result contention = benchmark.contention().run(server);
                results.addAll(contention.rows());
                notes.add(contention.note());
                if (fresh) {
                    // what the reads beside the fresh upload are compared with, at its concurrency
                    results.addAll(benchmark.uploadWhileReading(server));
                }
                if (plan.events() > 0) {
                    // each export runs once unreported first, as every other workload is warmed up first
                    exports.exportInProcess();
                    exports.exportHttp(server, new ArrayList<>());
                    results.add(exports.exportInProcess());
                    results.add(exports.exportHttp(server, heap));
                    results.add(exports.counts(server));
                }
            }
        }
        if (plan.copyTo().isPresent()) {
            settle(url);
            BenchResult copy = CopyBench.run(url, plan.copyTo().get(), plan.serverHeap(), out.resolve("copy.log"));
            results.add(copy);
            notes.add(String.format(Locale.ROOT, "Copy of the whole database (%,d rows) into %s, verified: %,.0f rows/s,"
                    + " peak resident memory %d MB with -Xmx%s.", copy.records(),
                    Stores.redacted(plan.copyTo().get()), copy.recordsPerSecond(), copy.rssMb(), plan.serverHeap()));
        }
        String title = String.format("%s, %,d profiles, %,d events, server -Xmx%s, %d cores, Java %s", backend,
                plan.profiles(), plan.events(), plan.serverHeap(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        heap.forEach(h -> notes.add(String.format("Server heap after a full collection during the"
                + " HTTP export: %d MB at the first page, %d MB at the middle page, %d MB at the last page.",
                h.firstPageMb(), h.middlePageMb(), h.lastPageMb())));
        BenchReport.write(out, title, results, notes);
        return BenchReport.markdown(title, results, notes);
    }

    /**
     * Profile reads while the big account holds only its first {@value #FEW_EVENTS} events, on a server started,
     * warmed up and stopped for them: what the reads of the full run are compared with, so that a read whose cost
     * grows with the account's events shows.
     */
    private static List<BenchResult> readsWithFewEvents(Plan plan, String url, Path out, Path keyFile,
                                                        Benchmark benchmark) throws Exception {
        settle(url);
        List<BenchResult> rows = new ArrayList<>();
        try (BenchServer server = BenchServer.start(url, plan.serverHeap(), plan.maxClients(),
                out.resolve("server-few-events.log"), keyFile, List.of())) {
            benchmark.warmUp(server, plan.perRun());
            for (int clients : plan.clients()) {
                rows.add(benchmark.readRow(READS_WITH_FEW_EVENTS, clients, server));
            }
        }
        return rows;
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
