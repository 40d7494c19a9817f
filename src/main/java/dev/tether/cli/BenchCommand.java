package dev.tether.cli;

import dev.tether.bench.BenchRun;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Loads N profiles, runs each workload through real HTTP, prints and writes the report.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--profiles", paramLabel = "N", defaultValue = "10000",
            description = "Profiles with phone numbers to load first (default ${DEFAULT-VALUE}).")
    int profiles;

    @Option(names = "--clients", paramLabel = "C", split = ",", defaultValue = "1,4,16",
            description = "Concurrent clients, one run each (default ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "10",
            description = "Seconds per workload run (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--db", paramLabel = "JDBC_URL", defaultValue = "${env:TETHER_DB}",
            description = "Database to measure (default: a new SQLite file in the output folder).")
    String db;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-results",
            description = "Where bench.md and bench.json go (default ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (profiles < 2000 || profiles % 1000 != 0) {
            throw new IllegalArgumentException("--profiles must be a multiple of 1000, at least 2000");
        }
        // one log line per request would measure the terminal, not the server
        System.setProperty("org.slf4j.simpleLogger.log.tether.requests", "warn");
        System.out.println(BenchRun.run(profiles, clients, seconds, db, out));
        return 0;
    }
}
