package dev.tether.cli;

import dev.tether.bench.BenchRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Loads N profiles, starts a server process, runs each workload in-process and through real "
                + "HTTP, prints and writes the report.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--profiles", paramLabel = "N", defaultValue = "10000",
            description = "Profiles with phone numbers to load first (default ${DEFAULT-VALUE}).")
    int profiles;

    @Option(names = "--events", paramLabel = "N", defaultValue = "1000000",
            description = "Events to load for the export and count rows, a month of them; 0 leaves those rows out "
                    + "(default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--clients", paramLabel = "C", split = ",", defaultValue = "1,4,16",
            description = "Concurrent clients, one run each (default ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "10",
            description = "Seconds per workload run (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--server-heap", paramLabel = "SIZE", defaultValue = "512m",
            description = "Heap limit of the server process, as -Xmx takes it (default ${DEFAULT-VALUE}).")
    String serverHeap;

    @Option(names = "--db", paramLabel = "JDBC_URL", defaultValue = "${env:TETHER_DB}",
            description = "Database to measure (default: a new SQLite file in the output folder).")
    String db;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-results",
            description = "Where bench.md and bench.json go (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--copy-to", paramLabel = "JDBC_URL",
            description = "Last, tether copy the benchmark's database into this empty one (another backend) and "
                    + "report its rows a second and peak memory (default: no copy row).")
    @Nullable String copyTo;

    @Option(names = "--redraw", description = "Run nothing: draw the charts of the run whose bench.json is in --out"
            + " again (ceilings.svg, latency.svg, fresh-upload.svg).")
    boolean redraw;

    @Override
    public Integer call() throws Exception {
        if (redraw) {
            BenchRun.redraw(out);
            return 0;
        }
        BenchRun.Plan plan = new BenchRun.Plan(profiles, clients, Duration.ofSeconds(seconds), serverHeap, events,
                Optional.ofNullable(copyTo));
        System.out.println(BenchRun.run(plan, db, out));
        return 0;
    }
}
