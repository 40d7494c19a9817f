package dev.tether.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The report: a Markdown table for people, JSON for tools. */
final class BenchReport {
    private BenchReport() {
    }

    static String markdown(String title, List<BenchResult> results, List<String> notes) {
        StringBuilder md = new StringBuilder("## " + title + "\n\n");
        md.append("| workload | path | clients | requests/s | records/s | p50 ms | p95 ms | p99 ms | heap MB | RSS MB |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (BenchResult r : results) {
            md.append(String.format("| %s | %s | %d | %,.0f | %,.0f | %.1f | %.1f | %.1f | %d | %d |%n",
                    r.workload(), r.path(), r.clients(), r.requestsPerSecond(), r.recordsPerSecond(), r.p50Ms(),
                    r.p95Ms(), r.p99Ms(), r.heapUsedMb(), r.rssMb()));
        }
        md.append(ratios(results));
        Optional<BenchResult> exportHttp = find(results, "export events", "http", 1);
        if (exportHttp.isPresent()) {
            md.append(String.format("%nExport, events through HTTP against the same pages read in-process: %s.%n",
                    ratio(exportHttp, find(results, "export events", "in-process", 1), true)));
        }
        md.append(keysAndChecks(results));
        md.append(events(results));
        md.append(fresh(results));
        notes.forEach(note -> md.append("\n").append(note).append("\n"));
        return md.toString();
    }

    /** A row measured against its ceiling: the same work with less in the way (no HTTP, or no work at all). */
    record Against(String label, String workload, String path, String ceiling, String ceilingPath,
                   boolean byRecords) {
        Optional<Double> percent(List<BenchResult> results, int clients) {
            Optional<BenchResult> over = find(results, workload, path, clients);
            Optional<BenchResult> under = find(results, ceiling, ceilingPath, clients);
            if (over.isEmpty() || under.isEmpty()) {
                return Optional.empty();
            }
            double top = byRecords ? over.get().recordsPerSecond() : over.get().requestsPerSecond();
            double bottom = byRecords ? under.get().recordsPerSecond() : under.get().requestsPerSecond();
            return bottom == 0 ? Optional.empty() : Optional.of(100 * top / bottom);
        }
    }

    /**
     * The ratios the report stands on: profile reads against /health, each batch workload's HTTP against
     * in-process.
     */
    static final List<Against> CEILINGS = List.of(
            new Against("reads / health", "GET /1/profile.json by phone", "http", "GET /health", "http", false),
            new Against("upload new: http / in-process", "upload new profiles", "http", "upload new profiles",
                    "in-process", true),
            new Against("updates: http / in-process", "upload updates", "http", "upload updates", "in-process", true),
            new Against("disassociate: http / in-process", "disassociate", "http", "disassociate", "in-process",
                    true));

    /** {@link #CEILINGS}, a column each, a line per client count. */
    static String ratios(List<BenchResult> results) {
        StringBuilder md = new StringBuilder("\n| clients |");
        CEILINGS.forEach(against -> md.append(' ').append(against.label()).append(" |"));
        md.append("\n|---:|").append("---:|".repeat(CEILINGS.size())).append('\n');
        results.stream().map(BenchResult::clients).distinct().filter(c -> find(results, "GET /health", c).isPresent())
                .forEach(c -> {
                    md.append("| ").append(c).append(" |");
                    CEILINGS.forEach(against -> md.append(' ').append(against.percent(results, c)
                            .map(percent -> String.format("%.0f%%", percent)).orElse("-")).append(" |"));
                    md.append('\n');
                });
        return md.toString();
    }

    /**
     * Per client count: upload with an Idempotency-Key against upload without (the keys' cost), and the
     * reassignment check against disassociate (both 1000 numbers a request, through HTTP), the webhook rows against
     * disassociate, disassociate dry runs against the same on a server with {@code --metrics off} (what metrics cost),
     * and the in-process upload of new profiles and disassociation against the same without the audit trail (what its
     * entries and the bindings' stamps cost).
     */
    static String keysAndChecks(List<BenchResult> results) {
        StringBuilder md = new StringBuilder("\n| clients | upload with key / without | reassignment check / disassociate"
                + " | disassociate with a webhook endpoint paused / without | delivering / without"
                + " | disassociate dry run with metrics on / off"
                + " | audit trail: upload new profiles with / without | disassociate with / without |"
                + "\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        results.stream().map(BenchResult::clients).distinct()
                .filter(c -> find(results, "upload new profiles, with Idempotency-Key", c).isPresent())
                .forEach(c -> md.append(String.format("| %d | %s | %s | %s | %s | %s | %s | %s |%n", c,
                        ratio(find(results, "upload new profiles, with Idempotency-Key", c),
                                find(results, "upload new profiles", "http", c), true),
                        ratio(find(results, "reassignment check", c), find(results, "disassociate", "http", c),
                                true),
                        ratio(find(results, "disassociate, with a webhook endpoint (paused)", c),
                                find(results, "disassociate", "http", c), true),
                        ratio(find(results, "disassociate, with a webhook endpoint (delivering)", c),
                                find(results, "disassociate", "http", c), true),
                        ratio(find(results, Benchmark.DRY_RUN_ROW, c),
                                find(results, Benchmark.DRY_RUN_ROW + ", server with --metrics off", c), true),
                        ratio(find(results, "upload new profiles", "in-process", c), find(results,
                                Benchmark.WITHOUT_AUDIT_TRAIL.apply("upload new profiles"), "in-process", c), true),
                        ratio(find(results, "disassociate", "in-process", c), find(results,
                                Benchmark.WITHOUT_AUDIT_TRAIL.apply("disassociate"), "in-process", c), true))));
        return md.toString();
    }

    /**
     * Per client count, what the events cost: profile reads with the big account's events all loaded against the
     * same reads when it held only its first {@value BenchRun#FEW_EVENTS} (a read must not grow with the account's
     * events), event upload against profile upload, and reads in an account a hundredth the size against the big one.
     */
    static String events(List<BenchResult> results) {
        String few = BenchRun.READS_WITH_FEW_EVENTS;
        StringBuilder md = new StringBuilder("\n| clients | reads, all events loaded / " + String.format(Locale.ROOT,
                "%,d", BenchRun.FEW_EVENTS) + " events | upload events / upload new profiles: http | in-process"
                + " | reads, small account / big account |\n|---:|---:|---:|---:|---:|\n");
        results.stream().map(BenchResult::clients).distinct()
                .filter(c -> find(results, "upload events", "http", c).isPresent())
                .forEach(c -> md.append(String.format("| %d | %s | %s | %s | %s |%n", c,
                        ratio(find(results, "GET /1/profile.json by phone", c), find(results, few, c), false),
                        ratio(find(results, "upload events", "http", c),
                                find(results, "upload new profiles", "http", c), true),
                        ratio(find(results, "upload events", "in-process", c),
                                find(results, "upload new profiles", "in-process", c), true),
                        ratio(find(results, Benchmark.SMALL_ACCOUNT_READS, c),
                                find(results, "GET /1/profile.json by phone", c), false))));
        return md.toString();
    }

    /**
     * The upload into a fresh database against itself and the settled database: its last tenth against its first,
     * the whole of it against an upload of new profiles beside one reader on the settled database, and its reads (the slowest
     * median of the one reader during a tenth of the upload against the same reader's beside an upload into the
     * settled database; the rate right after against the settled rate at the same concurrency).
     */
    static String fresh(List<BenchResult> results) {
        List<BenchResult> slices = results.stream().filter(r -> r.workload().startsWith(Benchmark.IMPORT_ROW + " ("))
                .toList();
        if (slices.isEmpty()) {
            return "";
        }
        List<BenchResult> during = results.stream()
                .filter(r -> r.workload().startsWith(Benchmark.READS_DURING_IMPORT + " (") && r.requests() > 0)
                .toList();
        BenchResult whole = new BenchResult(Benchmark.IMPORT_ROW, "http", Benchmark.IMPORT_CLIENTS,
                slices.stream().mapToLong(BenchResult::requests).sum(), slices.stream().mapToLong(BenchResult::records)
                .sum(), slices.stream().mapToDouble(BenchResult::seconds).sum(), 0, 0, 0, 0, 0);
        int c = Benchmark.IMPORT_CLIENTS;
        Optional<BenchResult> settledReads = find(results, Benchmark.READS_DURING_UPLOAD, 1);
        String duringP50 = during.isEmpty() || settledReads.isEmpty() || settledReads.get().p50Ms() == 0 ? "-"
                : String.format(Locale.ROOT, "%.1f×", during.stream().mapToDouble(BenchResult::p50Ms).max()
                        .orElse(0) / settledReads.get().p50Ms());
        return String.format(Locale.ROOT, "%n| fresh database, %d clients | last tenth / first tenth | whole upload /"
                        + " the same beside one reader on the settled database | slowest median read during the upload / median read"
                        + " during an upload into the settled database | reads right after / settled reads |%n"
                        + "|---|---:|---:|---:|---:|%n| %s | %s | %s | %s | %s |%n", c,
                String.format(Locale.ROOT, "%,.0f records/s", whole.recordsPerSecond()),
                ratio(Optional.of(slices.get(slices.size() - 1)), Optional.of(slices.get(0)), true),
                ratio(Optional.of(whole), find(results, Benchmark.UPLOAD_WITH_READER, "http", c), true), duringP50,
                ratio(find(results, Benchmark.READS_AFTER_IMPORT, c), find(results, "GET /1/profile.json by phone", c),
                        false));
    }

    private static Optional<BenchResult> find(List<BenchResult> results, String workload, int clients) {
        return find(results, workload, "http", clients);
    }

    static Optional<BenchResult> find(List<BenchResult> results, String workload, String path, int clients) {
        return results.stream().filter(r -> (r.workload().equals(workload) || r.workload().startsWith(workload + " ("))
                && r.path().equals(path) && r.clients() == clients).findFirst();
    }

    private static String ratio(Optional<BenchResult> over, Optional<BenchResult> under, boolean byRecords) {
        if (over.isEmpty() || under.isEmpty()) {
            return "-";
        }
        double top = byRecords ? over.get().recordsPerSecond() : over.get().requestsPerSecond();
        double bottom = byRecords ? under.get().recordsPerSecond() : under.get().requestsPerSecond();
        return bottom == 0 ? "-" : String.format("%.0f%%", 100 * top / bottom);
    }

    /** The rows of the bench.json in this folder. */
    static List<BenchResult> read(Path dir) throws IOException {
        List<BenchResult> results = new ArrayList<>();
        for (JsonNode r : new ObjectMapper().readTree(dir.resolve("bench.json").toFile()).path("results")) {
            results.add(new BenchResult(r.path("workload").asText(), r.path("path").asText(), r.path("clients").asInt(),
                    r.path("requests").asLong(), r.path("records").asLong(), r.path("seconds").asDouble(),
                    r.path("p50Ms").asDouble(), r.path("p95Ms").asDouble(), r.path("p99Ms").asDouble(),
                    r.path("heapUsedMb").asLong(), r.path("rssMb").asLong()));
        }
        return results;
    }

    static void write(Path dir, String title, List<BenchResult> results, List<String> notes) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("bench.md"), markdown(title, results, notes));
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
        notes.forEach(root.putArray("notes")::add);
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("bench.json").toFile(), root);
        BenchCharts.write(dir, results);
    }
}
