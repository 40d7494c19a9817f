package dev.tether.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The report: a Markdown table for people, JSON for tools. */
final class BenchReport {
    private BenchReport() {
    }

    static String markdown(String title, List<BenchResult> results) {
        StringBuilder md = new StringBuilder("## " + title + "\n\n");
        md.append("| workload | path | clients | requests/s | records/s | p50 ms | p95 ms | p99 ms | heap MB | RSS MB |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (BenchResult r : results) {
            md.append(String.format("| %s | %s | %d | %,.0f | %,.0f | %.1f | %.1f | %.1f | %d | %d |%n",
                    r.workload(), r.path(), r.clients(), r.requestsPerSecond(), r.recordsPerSecond(), r.p50Ms(),
                    r.p95Ms(), r.p99Ms(), r.heapUsedMb(), r.rssMb()));
        }
        return md.toString();
    }

    static void write(Path dir, String title, List<BenchResult> results) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("bench.md"), markdown(title, results));
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode().put("title", title);
        ArrayNode rows = root.putArray("results");
        for (BenchResult r : results) {
            rows.addObject().put("workload", r.workload()).put("path", r.path()).put("clients", r.clients())
                    .put("requests", r.requests()).put("records", r.records()).put("seconds", r.seconds())
                    .put("requestsPerSecond", r.requestsPerSecond()).put("recordsPerSecond", r.recordsPerSecond())
                    .put("p50Ms", r.p50Ms()).put("p95Ms", r.p95Ms()).put("p99Ms", r.p99Ms())
                    .put("heapUsedMb", r.heapUsedMb()).put("rssMb", r.rssMb());
        }
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("bench.json").toFile(), root);
    }
}
