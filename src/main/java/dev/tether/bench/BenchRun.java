package dev.tether.bench;

import dev.tether.store.Store;
import dev.tether.store.Stores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** One benchmark run as the CLI starts it: a database, the workloads, the report. */
public final class BenchRun {
    private BenchRun() {
    }

    /** @return the report as Markdown */
    public static String run(int profiles, List<Integer> clients, int seconds, String jdbcUrl, Path out)
            throws Exception {
        String url = jdbcUrl == null || jdbcUrl.isBlank() ? freshSqlite(out) : jdbcUrl;
        try (Store store = Stores.open(url, Math.max(8, clients.stream().mapToInt(Integer::intValue).max().orElse(8)))) {
            List<BenchResult> results = new Benchmark(store, profiles, Duration.ofSeconds(seconds))
                    .run(clients, System.err);
            String title = String.format("%s, %,d profiles, %d cores, Java %s", store.backendName(), profiles,
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            BenchReport.write(out, title, results);
            return BenchReport.markdown(title, results);
        }
    }

    private static String freshSqlite(Path out) throws IOException {
        Files.createDirectories(out);
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(out.resolve("bench.db" + suffix));
        }
        return "jdbc:sqlite:" + out.resolve("bench.db");
    }
}
