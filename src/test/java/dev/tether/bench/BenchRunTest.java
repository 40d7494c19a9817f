package dev.tether.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.testing.Backend;
import dev.tether.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The benchmark at a small size, on both backends: it runs, and every workload does real work. No timing claims. */
class BenchRunTest {
    @TempDir
    Path out;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRES"})
    void smallBenchmark_runsEveryWorkload_andWritesItsReport(Backend backend) throws Exception {
        // more clients than the default limit of 15 concurrent batch requests: none may be refused. Once is enough
        // for that; on PostgreSQL 4 clients keep the run short (a round of 16 uploads of 1000 takes a second here)
        int c = backend == Backend.SQLITE ? 16 : 4;
        // no copy row: copying the run's 580,000 rows would double it (CopyBenchTest measures a small copy)
        Optional<String> copyTo = Optional.empty();
        BenchRun.Plan plan = new BenchRun.Plan(2000, List.of(c), Duration.ofMillis(200), "256m", 12_000, copyTo);
        String markdown = BenchRun.run(plan, backend.newDatabaseUrl(), out);
        assertThat(markdown).contains("| disassociate | http | " + c + " |")
                .contains("| disassociate | in-process | " + c + " |")
                .contains("| GET /health (ceiling) | http | " + c + " |")
                .contains("| upload new profiles | http | " + c + " |").contains("| disassociate | http | " + c + " |")
                .contains("| export events (batch_size 5000) | http | 1 |")
                .contains("| export events (batch_size 5000) | in-process | 1 |")
                .contains("| counts: events, profiles (alternately) | http | 1 |")
                .contains("| upload new profiles, with Idempotency-Key | http | " + c + " |")
                .contains("| upload events | http | " + c + " |").contains("| upload events | in-process | " + c + " |")
                .contains("| GET /1/profile.json by phone, account with 10,000 events | http | " + c + " |")
                .contains("| GET /1/profile.json by phone, an account a hundredth the size | http | " + c + " |")
                .contains("| load: two other accounts (a tenth and a hundredth, profiles and events) | in-process | 1 |")
                .containsPattern("\\| " + c + " \\| \\d+% \\| \\d+% \\| \\d+% \\| \\d+% \\|\\n(?:\\n|$)")
                .contains("| reassignment check (1000 numbers) | http | " + c + " |")
                .contains("| disassociate, dry run of 1000 bound numbers | http | " + c + " |")
                .contains("| disassociate, dry run of 1000 bound numbers, server with --metrics off | http | " + c
                        + " |")
                .contains("| disassociate, with a webhook endpoint (paused) | http | " + c + " |")
                .contains("| disassociate, with a webhook endpoint (delivering) | http | " + c + " |")
                .contains("| webhook delivery to a local receiver (1 endpoint, nothing else running) | http | 1 |")
                .containsPattern("\\| " + c + " \\| \\d+% \\| \\d+% \\| \\d+% \\| \\d+% \\|\\n")
                .containsPattern("\\| " + c + " \\| \\d+% \\| \\d+% \\| \\d+% \\| \\d+% \\| \\d+% \\| \\d+% \\| \\d+%"
                        + " \\|\\n")
                .contains("| upload new profiles, without the audit trail | in-process | " + c + " |")
                .contains("| disassociate, without the audit trail | in-process | " + c + " |")
                .contains("| fresh database: upload new profiles (profiles 1 to 1,000) | http | 4 |")
                .contains("| fresh database: upload new profiles (profiles 1,001 to 2,000) | http | 4 |")
                .contains("| fresh database: GET /1/profile.json by phone, during the upload (profiles 1 to 1,000)"
                        + " | http | 1 |")
                .contains("| fresh database: GET /1/profile.json by phone, right after the upload | http | 4 |")
                .contains("| load: upload new profiles (the ones to disassociate) | in-process | 1 |")
                .contains("| upload new profiles, with one more client reading | http | 4 |")
                .contains("| GET /1/profile.json by phone, during an upload of new profiles | http | 1 |")
                .contains("| " + ContentionBench.RACED_ROW + " | http | 12 |")
                .contains("| " + ContentionBench.BESIDE_RACE_ROW + " | http | 4 |")
                .contains("| " + ContentionBench.CONTROL_ROW + " | http | 12 |")
                .contains("| " + ContentionBench.BESIDE_CONTROL_ROW + " | http | 4 |")
                .containsPattern("Contention: beside the race, the other account kept \\d+% of its rate beside the"
                        + " control\\. Transactions run again: \\d+ for [\\d,]+ requests of the race")
                .containsPattern("\\| [\\d,]+ records/s \\| \\d+% \\| (?:-|\\d+%) \\| (?:-|[\\d.]+×) \\| (?:-|\\d+%) \\|")
                .containsPattern("Export, events through HTTP against the same pages read in-process: \\d+%")
                .containsPattern("Server heap after a full collection during the HTTP export: \\d+ MB at the first"
                        + " page, \\d+ MB at the middle page, \\d+ MB at the last page");
        if (copyTo.isPresent()) {
            assertThat(markdown).contains("| " + CopyBench.ROW + " | cli | 1 |")
                    .containsPattern("Copy of the whole database \\([\\d,]+ rows\\) into .*, verified: [\\d,]+"
                            + " rows/s, peak resident memory \\d+ MB with -Xmx256m\\.");
        }
        for (String chart : List.of(BenchCharts.CEILINGS, BenchCharts.LATENCY, BenchCharts.FRESH_UPLOAD)) {
            assertThat(DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(out.resolve(chart).toFile())
                    .getElementsByTagName("rect").getLength()).as(chart + ": a background and its bars")
                    .isGreaterThan(2);
        }
        Map<String, String> drawn = new LinkedHashMap<>();
        for (String chart : List.of(BenchCharts.CEILINGS, BenchCharts.LATENCY, BenchCharts.FRESH_UPLOAD)) {
            drawn.put(chart, Files.readString(out.resolve(chart)));
            Files.delete(out.resolve(chart));
        }
        assertThat(Cli.run("bench", "--redraw", "--out", out.toString()).exit()).isZero();
        for (Map.Entry<String, String> chart : drawn.entrySet()) {
            assertThat(Files.readString(out.resolve(chart.getKey())))
                    .as(chart.getKey() + " drawn again from bench.json, every field read back")
                    .isEqualTo(chart.getValue());
        }
        JsonNode report = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
        assertThat(report.get("results")).hasSize(copyTo.isPresent() ? 41 : 40);
        for (JsonNode row : report.get("results")) {
            if (row.get("workload").asText().startsWith(Benchmark.READS_DURING_IMPORT)) {
                // a tenth of this upload is one batch, which may be answered before the reader's first request
                continue;
            }
            assertThat(row.get("requests").asLong()).as(row.toString()).isPositive();
            assertThat(row.get("rssMb").asLong()).as(row.toString()).isPositive();
            if (!row.get("workload").asText().startsWith("GET /health")) {
                assertThat(row.get("records").asLong()).as(row.toString()).isPositive();
            }
        }
    }
}
