package dev.tether.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.cli.TetherCli;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Backend;
import dev.tether.testing.DroppingProxy;
import dev.tether.testing.MetricsText;
import dev.tether.testing.Programs;
import dev.tether.testing.SteppedClock;
import dev.tether.testing.TestServer;
import dev.tether.testing.TetherProcess;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code tether disassociate --file} and {@code tether reassigned --file} as an operator runs them: a separate
 * process against a real server over HTTP, killed and run again, behind a network that loses an answer.
 */
class BulkCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HELD = 3000;
    private static final int UNKNOWN = 30;
    private static final int INVALID = 20;

    @TempDir
    Path dir;

    private TestServer server;
    private TestServer.Client client;
    private Path file;
    /** Per line of the file that is not to be processed: the code the report must give it. */
    private final Map<Long, Integer> expectedReport = new HashMap<>();

    @BeforeEach
    void start() throws IOException {
        start(Backend.SQLITE);
    }

    /** A server on the backend, an account with the held numbers, and the file; a test may ask for another. */
    private void start(Backend backend) throws IOException {
        if (server != null) {
            server.close();
        }
        expectedReport.clear();
        server = new TestServer(backend);
        client = server.newAccount();
        for (int batch = 0; batch < HELD / 1000; batch++) {
            StringBuilder body = new StringBuilder("{\"d\":[");
            for (int i = batch * 1000; i < (batch + 1) * 1000; i++) {
                body.append(i % 1000 == 0 ? "" : ",").append("{\"type\":\"profile\",\"identity\":\"user-").append(i)
                        .append("\",\"profileData\":{\"Phone\":\"").append(held(i)).append("\"}}");
            }
            ApiResponse upload = client.post("/1/upload", body.append("]}").toString());
            assertThat(upload.json().path("processed").asInt()).isEqualTo(1000);
        }
        file = dir.resolve("disconnected.csv");
        List<String> lines = new ArrayList<>(List.of("name,phone,since"));
        int unknown = 0;
        int invalid = 0;
        for (int i = 0; i < HELD; i++) {
            lines.add("person " + i + "," + held(i) + ",2026-01-01");
            if (i % 100 == 7 && unknown < UNKNOWN) {
                lines.add("stranger " + unknown + ",+1628555" + String.format("%04d", unknown) + ",2026-01-01");
                expectedReport.put((long) lines.size(), 543);
                unknown++;
            }
            if (i % 150 == 11 && invalid < INVALID) {
                lines.add("typo " + invalid + ",12-" + invalid + ",2026-01-01");
                expectedReport.put((long) lines.size(), 516);
                invalid++;
            }
        }
        assertThat(unknown).isEqualTo(UNKNOWN);
        assertThat(invalid).isEqualTo(INVALID);
        Files.write(file, lines);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String held(int i) {
        return "+1415" + String.format("%07d", 5_000_000 + i);
    }

    private String[] disassociate(String url, String... more) {
        List<String> args = new ArrayList<>(List.of("disassociate", "--file", file.toString(), "--column", "2",
                "--url", url, "--account", client.accountId(), "--passcode", client.passcode()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private double metric(String name, Map<String, String> labels) {
        return MetricsText.value(TestServer.send(server.request("/metrics").GET()).body(), name, labels);
    }

    private List<CSVRecord> csv(Path path) throws IOException {
        try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords();
        }
    }

    /** Waits until the run's state file counts at least this many answered batches; answers the count. */
    private long awaitBatches(Path state, long atLeast) throws Exception {
        long batches = 0;
        for (int i = 0; i < 1500 && batches < atLeast; i++) {
            Thread.sleep(20);
            if (Files.exists(state)) {
                batches = JSON.readTree(Files.readString(state)).path("done").path("batchesDone").asLong();
            }
        }
        assertThat(batches).as("batches answered").isGreaterThanOrEqualTo(atLeast);
        return batches;
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRES"})
    void stoppedByCtrlCAndByKill9_andRunAgain_itFinishes_theServerAppliedNoBatchTwice_andTheReportIsExact(
            Backend backend) throws Exception {
        start(backend);
        Path state = dir.resolve("disconnected.csv.disassociate-state.json");
        try (TetherProcess first = TetherProcess.start(dir, disassociate(server.baseUrl(), "--batch-size", "50"))) {
            awaitBatches(state, 10);
            first.signalTerm();
            first.awaitExit();
            // the line the stop names is where the run goes on from: a batch answered after the signal is not
            // counted done (its key answers it again), so the message and the state agree
            assertThat(String.join("\n", first.lines()))
                    .contains("disassociate: stopped; the last batch answered ended at line "
                            + JSON.readTree(Files.readString(state)).path("done").path("linesDone").asLong() + " of ")
                    .contains("run the same command again to go on");
        }
        long afterTerm = JSON.readTree(Files.readString(state)).path("done").path("batchesDone").asLong();
        try (TetherProcess second = TetherProcess.start(dir, disassociate(server.baseUrl(), "--batch-size", "50"))) {
            awaitBatches(state, afterTerm + 10);
            second.kill();
            assertThat(String.join("\n", second.lines())).contains("going on after line");
        }
        JsonNode stopped = JSON.readTree(Files.readString(state));
        assertThat(stopped.path("done").path("finished").asBoolean()).isFalse();
        assertThat(stopped.path("done").path("linesDone").asLong()).isLessThan(HELD);

        try (TetherProcess third = TetherProcess.start(dir, disassociate(server.baseUrl(), "--batch-size", "50"))) {
            assertThat(third.awaitExit()).as(String.join("\n", third.lines())).isZero();
            String output = String.join("\n", third.lines());
            assertThat(output).contains("going on after line " + stopped.path("done").path("linesDone").asLong()
                    + " of "
                    + (HELD + UNKNOWN + INVALID + 1))
                    .contains((HELD + UNKNOWN + INVALID) + " numbers, " + HELD + " processed, "
                            + (UNKNOWN + INVALID) + " not processed; skipped: a header line");
        }

        // every held number left its profile once; a batch applied twice would have made 543s of its numbers
        assertThat(metric("tether_records_processed_total", Map.of("uri", "/1/disassociate")))
                .isEqualTo(HELD);
        assertThat(metric("tether_records_failed_total", Map.of("uri", "/1/disassociate", "code", "543")))
                .isEqualTo(UNKNOWN);
        for (int i = 0; i < HELD; i += 97) {
            JsonNode history = client.get("/1/identity/history.json?phone=" + held(i)).json().path("history");
            assertThat(history).hasSize(1);
            assertThat(history.get(0).path("endReason").asText()).isEqualTo("disassociated");
        }
        Map<Long, Integer> reported = new HashMap<>();
        for (CSVRecord row : csv(dir.resolve("disconnected.csv.disassociate-report.csv"))) {
            assertThat(reported.put(Long.parseLong(row.get("line")), Integer.parseInt(row.get("code"))))
                    .as("line %s reported twice", row.get("line")).isNull();
            assertThat(row.get("error")).isNotBlank().doesNotContain("Skipped record number");
        }
        assertThat(reported).isEqualTo(expectedReport);
        assertThat(server.violations()).isEmpty();
    }

    /**
     * Stepped: the stop comes while a batch is in flight, and its answer arrives after. The stop names the line the
     * state file then holds, which is where the next run goes on (the run that answered the stop is not counted done
     * by the state; sent again with its key, it is answered, not applied).
     */
    @Test
    void aStopWhileABatchIsInFlight_namesTheLineTheNextRunGoesOnFrom() throws Exception {
        CountDownLatch inFlight = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        Path state = dir.resolve("stepped-state.json");
        try (DroppingProxy proxy = new DroppingProxy(server.baseUrl(), request -> {
            if (request == 3) {
                inFlight.countDown();
                try {
                    answer.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return false; // every answer relayed, the third once the test lets it go
        })) {
            BulkRun run = new BulkRun(new DisassociateJob(Optional.empty(), false), new NumberFile(file, 2,
                    Optional.empty()), new BulkClient(proxy.baseUrl(), client.accountId(), client.passcode(),
                    Duration.ofSeconds(30), notice -> { }), new BulkRun.Setup(proxy.baseUrl(), client.accountId(), 2,
                    500, state, dir.resolve("stepped-report.csv"), Optional.empty(), false));
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                try {
                    run.run((total, done) -> new Progress("test", total, done, Progress.Display.OFF, System.err),
                            notice -> { });
                } catch (BulkStopped e) {
                    throw new CompletionException(e);
                }
            });
            assertThat(inFlight.await(30, TimeUnit.SECONDS)).isTrue();
            String stopped = run.stop();
            long linesDone = JSON.readTree(Files.readString(state)).path("done").path("linesDone").asLong();
            answer.countDown();
            assertThatThrownBy(() -> running.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(BulkStopped.class);
            assertThat(JSON.readTree(Files.readString(state)).path("done").path("linesDone").asLong())
                    .as("the batch answered after the stop is not counted done").isEqualTo(linesDone);
            assertThat(stopped).startsWith("the last batch answered ended at line " + linesDone + " of ");
            assertThat(dir.resolve("stepped-state.json.lock")).as("a stopped run's lock, gone").doesNotExist();
        }
    }

    @Test
    void aCrashAfterTheReportButBeforeTheState_cutsTheReportBack_andTheBatchesAgainAreAnsweredNotApplied()
            throws Exception {
        Path state = dir.resolve("disconnected.csv.disassociate-state.json");
        byte[] early;
        try (TetherProcess run = TetherProcess.start(dir, disassociate(server.baseUrl(), "--batch-size", "50"))) {
            awaitBatches(state, 5);
            early = Files.readAllBytes(state);
            assertThat(run.awaitExit()).isZero();
        }
        JsonNode snapshot = JSON.readTree(early);
        assertThat(snapshot.path("done").path("batchesDone").asLong()).isLessThan(HELD / 50);
        Path report = dir.resolve("disconnected.csv.disassociate-report.csv");
        String finished = Files.readString(report);
        assertThat(Files.size(report)).isGreaterThan(snapshot.path("done").path("reportBytes").asLong());
        // as if the run had died after writing the later batches' report rows but before saving their state
        Files.write(state, early);
        try (TetherProcess again = TetherProcess.start(dir, disassociate(server.baseUrl(), "--batch-size", "50"))) {
            assertThat(again.awaitExit()).as(String.join("\n", again.lines())).isZero();
            assertThat(String.join("\n", again.lines())).contains("going on after line "
                    + snapshot.path("done").path("linesDone").asLong());
        }
        assertThat(Files.readString(report)).as("the report, cut back and written again").isEqualTo(finished);
        assertThat(metric("tether_records_processed_total", Map.of("uri", "/1/disassociate"))).isEqualTo(HELD);
        assertThat(metric("tether_records_failed_total", Map.of("uri", "/1/disassociate", "code", "543")))
                .as("batches sent again with their keys were answered again, not applied").isEqualTo(UNKNOWN);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRES"})
    void anAnswerLostOnTheNetwork_theBatchIsSentAgainWithItsKey_andAnsweredWithoutBeingAppliedTwice(
            Backend backend) throws Exception {
        start(backend);
        try (DroppingProxy proxy = new DroppingProxy(server.baseUrl(), request -> request == 3)) {
            int exit = TetherCli.run(disassociate(proxy.baseUrl(), "--batch-size", "500", "--progress", "off"));
            assertThat(exit).isZero();
            List<String> keys = proxy.idempotencyKeys();
            assertThat(keys.get(3)).as("the batch whose answer was lost, sent again").isEqualTo(keys.get(2));
            assertThat(new HashSet<>(keys)).hasSize(keys.size() - 1);
            assertThat(keys).allMatch(key -> key.startsWith("tether-bulk-"));
        }
        assertThat(metric("tether_records_processed_total", Map.of("uri", "/1/disassociate"))).isEqualTo(HELD);
        assertThat(metric("tether_records_failed_total", Map.of("uri", "/1/disassociate", "code", "543")))
                .isEqualTo(UNKNOWN);
        Set<Long> reported = new HashSet<>();
        csv(dir.resolve("disconnected.csv.disassociate-report.csv")).forEach(row ->
                reported.add(Long.parseLong(row.get("line"))));
        assertThat(reported).isEqualTo(expectedReport.keySet());
    }

    @Test
    void dryRun_changesNothing_reportsWhatWouldFail_andKeepsItsOwnState() throws Exception {
        assertThat(TetherCli.run(disassociate(server.baseUrl(), "--dry-run", "--progress", "off"))).isZero();
        assertThat(client.get("/1/profile.json?phone=" + held(0)).status()).isEqualTo(200);
        assertThat(Files.exists(dir.resolve("disconnected.csv.disassociate-dry-run-state.json"))).isTrue();
        assertThat(csv(dir.resolve("disconnected.csv.disassociate-dry-run-report.csv"))).hasSize(UNKNOWN + INVALID);
        // the real run afterwards is a run of its own, from the first line
        assertThat(TetherCli.run(disassociate(server.baseUrl(), "--progress", "off"))).isZero();
        assertThat(client.get("/1/profile.json?phone=" + held(0)).status()).isEqualTo(404);
    }

    @Test
    void aFinishedRun_isNotSentAgain_aChangedFileIsRefused_andRestartRunsItAgain() throws Exception {
        assertThat(TetherCli.run(disassociate(server.baseUrl(), "--progress", "off"))).isZero();
        assertThat(dir.resolve("disconnected.csv.disassociate-state.json")).exists();
        assertThat(dir.resolve("disconnected.csv.disassociate-state.json.lock")).as("the lock of a run that ended")
                .doesNotExist();
        double processed = metric("tether_records_processed_total", Map.of("uri", "/1/disassociate"));
        assertThat(TetherCli.run(disassociate(server.baseUrl(), "--progress", "off"))).isZero();
        assertThat(metric("tether_records_processed_total", Map.of("uri", "/1/disassociate"))).isEqualTo(processed);

        Files.writeString(file, "late,+16285559999\n", java.nio.file.StandardOpenOption.APPEND);
        try (TetherProcess changed = TetherProcess.start(dir, disassociate(server.baseUrl()))) {
            assertThat(changed.awaitExit()).isEqualTo(1);
            assertThat(String.join("\n", changed.lines())).contains("the file changed since").contains("--restart");
        }
        try (TetherProcess otherCountry = TetherProcess.start(dir, disassociate(server.baseUrl(), "--default-country",
                "US"))) {
            assertThat(otherCountry.awaitExit()).isEqualTo(1);
            assertThat(String.join("\n", otherCountry.lines())).contains("it ran with no options");
        }
        assertThat(TetherCli.run(disassociate(server.baseUrl(), "--restart", "--progress", "off"))).isZero();
        assertThat(metric("tether_records_failed_total", Map.of("uri", "/1/disassociate", "code", "543")))
                .isEqualTo(UNKNOWN + HELD + UNKNOWN + 1);
    }

    /**
     * A carrier's file of numbers disconnected on one day, arriving late: half of them have a new owner by then. The
     * report lists exactly those, as 552, the old owners lose their numbers, and no new owner loses one; the same with
     * each line's own day ({@code --date-column}), where a day after the new owner took the number cuts her.
     */
    @Test
    void aLateCarrierFile_cutsOnlyTheOldOwners_andReportsEveryNewOwnersNumberAs552() throws Exception {
        server.close();
        SteppedClock clock = new SteppedClock(Instant.parse("2026-06-01T09:00:00Z"));
        server = new TestServer(Backend.SQLITE, clock);
        client = server.newAccount();
        int numbers = 200;
        StringBuilder owners = new StringBuilder("{\"d\":[");
        for (int i = 0; i < numbers; i++) {
            owners.append(i == 0 ? "" : ",").append("{\"type\":\"profile\",\"identity\":\"old-").append(i)
                    .append("\",\"profileData\":{\"Phone\":\"").append(held(i)).append("\"}}");
        }
        assertThat(client.post("/1/upload", owners.append("]}").toString()).json().path("processed").asInt())
                .isEqualTo(numbers);
        clock.moveTo(Instant.parse("2026-06-10T09:00:00Z"));
        StringBuilder cut = new StringBuilder("{\"d\":[");
        StringBuilder newOwners = new StringBuilder("{\"d\":[");
        for (int i = 0; i < numbers; i += 2) {
            cut.append(i == 0 ? "" : ",").append("{\"type\":\"phone\",\"value\":\"").append(held(i)).append("\"}");
            newOwners.append(i == 0 ? "" : ",").append("{\"type\":\"profile\",\"identity\":\"new-").append(i)
                    .append("\",\"profileData\":{\"Phone\":\"").append(held(i)).append("\"}}");
        }
        assertThat(client.post("/1/disassociate", cut.append("]}").toString()).json().path("processed").asInt())
                .isEqualTo(numbers / 2);
        assertThat(client.post("/1/upload", newOwners.append("]}").toString()).json().path("processed").asInt())
                .isEqualTo(numbers / 2);
        clock.moveTo(Instant.parse("2026-06-15T09:00:00Z"));
        Path carrier = dir.resolve("carrier.csv");
        List<String> lines = new ArrayList<>(List.of("phone,disconnected"));
        for (int i = 0; i < numbers; i++) {
            lines.add(held(i) + "," + (i % 4 == 2 ? "2026-06-12" : "2026-06-05"));
        }
        Files.write(carrier, lines);

        assertThat(TetherCli.run("disassociate", "--file", carrier.toString(), "--disconnected-on", "2026-06-05",
                "--url", server.baseUrl(), "--account", client.accountId(), "--passcode", client.passcode(),
                "--dry-run", "--progress", "off")).isZero();
        assertThat(csv(dir.resolve("carrier.csv.disassociate-dry-run-report.csv"))).hasSize(numbers / 2);
        assertThat(client.get("/1/profile.json?phone=" + held(1)).status()).as("a dry run cuts nobody").isEqualTo(200);

        assertThat(TetherCli.run("disassociate", "--file", carrier.toString(), "--disconnected-on", "2026-06-05",
                "--url", server.baseUrl(), "--account", client.accountId(), "--passcode", client.passcode(),
                "--progress", "off")).isZero();
        List<CSVRecord> report = csv(dir.resolve("carrier.csv.disassociate-report.csv"));
        assertThat(report).extracting(row -> row.get("line") + ":" + row.get("code"))
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, numbers).filter(i -> i % 2 == 0)
                        .mapToObj(i -> (i + 2) + ":552").toList());
        for (int i = 0; i < numbers; i++) {
            ApiResponse read = client.get("/1/profile.json?phone=" + held(i));
            if (i % 2 == 0) {
                assertThat(read.json().path("record").path("identities").toString()).as("new owner " + i)
                        .contains("new-" + i);
            } else {
                assertThat(read.status()).as("old owner " + i + " cut").isEqualTo(404);
            }
        }

        assertThat(TetherCli.run("disassociate", "--file", carrier.toString(), "--date-column", "2", "--restart",
                "--url", server.baseUrl(), "--account", client.accountId(), "--passcode", client.passcode(),
                "--progress", "off")).isZero();
        assertThat(csv(dir.resolve("carrier.csv.disassociate-report.csv")))
                .extracting(row -> row.get("line") + ":" + row.get("code"))
                .as("each line's own day: the numbers cut before are 543, a new owner's on 06-05 is 552,"
                        + " one disconnected on 06-12 after she took it is cut")
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, numbers)
                        .filter(i -> i % 2 == 1 || i % 4 == 0)
                        .mapToObj(i -> (i + 2) + ":" + (i % 2 == 1 ? 543 : 552)).toList());
        assertThat(client.get("/1/profile.json?phone=" + held(2)).status()).isEqualTo(404);
        assertThat(client.get("/1/profile.json?phone=" + held(0)).status()).isEqualTo(200);
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void wrongPasscode_stopsAtOnceWithTheServersError_andMissingCredentialsAreAUsageError() throws Exception {
        List<String> args = new ArrayList<>(List.of(disassociate(server.baseUrl())));
        args.set(args.indexOf(client.passcode()), "WRONG-PASSCODE");
        try (TetherProcess wrong = TetherProcess.start(dir, args.toArray(String[]::new))) {
            assertThat(wrong.awaitExit()).isEqualTo(1);
            assertThat(String.join("\n", wrong.lines())).as("the server's error, and the id of its log line")
                    .containsPattern("refused the credentials: Invalid Credentials \\(request [0-9a-f]{32}\\)");
        }
        try (TetherProcess missing = TetherProcess.start(dir, "disassociate", "--file", file.toString(),
                "--url", server.baseUrl())) {
            assertThat(missing.awaitExit()).isEqualTo(2);
            assertThat(String.join("\n", missing.lines())).contains("give --url, --account and --passcode");
        }
    }

    @Test
    void reassigned_writesPhoneDateReassignedRows_inTheFilesOrder_withEachLinesOwnDate() throws Exception {
        client.post("/1/disassociate", "{\"d\":[{\"type\":\"phone\",\"value\":\"" + held(1) + "\"}]}");
        Path numbers = dir.resolve("check.csv");
        Files.write(numbers, List.of("phone,asked", held(0) + ",2020-01-01", held(1) + ",2020-01-01",
                "(628) 555-0000,2020-01-01", "not a number,2020-01-01", held(2) + ",2020-13-45"));
        int exit = TetherCli.run("reassigned", "--file", numbers.toString(), "--date-column", "2",
                "--default-country", "US", "--url", server.baseUrl(), "--account", client.accountId(),
                "--passcode", client.passcode(), "--progress", "off");
        assertThat(exit).isZero();
        List<String> rows = Files.readAllLines(dir.resolve("check.csv.reassigned.csv"));
        assertThat(rows).containsExactly("phone,date,reassigned", held(0) + ",2020-01-01,no_data",
                held(1) + ",2020-01-01,yes", "+16285550000,2020-01-01,no_data");
        List<CSVRecord> report = csv(dir.resolve("check.csv.reassigned-report.csv"));
        assertThat(report).extracting(row -> row.get("line") + ":" + row.get("code"))
                .containsExactly("5:516", "6:545");
    }

    @Test
    void onATerminal_theProgressIsABarRedrawnInPlace_elsewherePlainLines() throws Exception {
        assumeTrue(Programs.available("script", "--version"), "util-linux's script (a terminal for the test) is "
                + "missing: the terminal bar is not tested");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = String.join(" ", List.of(java, "-cp", System.getProperty("java.class.path"),
                TetherCli.class.getName())) + " " + String.join(" ", disassociate(server.baseUrl(), "--dry-run"));
        Programs.Result onTerminal = Programs.run(dir, List.of("script", "-qec", command, "/dev/null"));
        assertThat(onTerminal.exitCode()).as(onTerminal.output()).isZero();
        assertThat(onTerminal.output()).contains("\r").contains("100%").contains("lines/s").contains("█")
                .as("time spent / time left").containsPattern("\\(\\d+:\\d\\d:\\d\\d / \\d+:\\d\\d:\\d\\d\\)");

        try (TetherProcess piped = TetherProcess.start(dir, disassociate(server.baseUrl(), "--dry-run",
                "--restart"))) {
            assertThat(piped.awaitExit()).isZero();
            assertThat(piped.lines()).filteredOn(line -> line.startsWith("disassociate --dry-run 100%"))
                    .as("the end, said once").singleElement()
                    .matches(line -> line.contains(" lines/s")
                            && line.matches(".*\\(\\d+:\\d\\d:\\d\\d / \\d+:\\d\\d:\\d\\d\\).*"));
            assertThat(piped.lines()).noneMatch(line -> line.contains("\r") || line.contains("█"));
        }
    }
}
