package dev.tether.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.access.AccountService;
import dev.tether.account.ConflictPolicy;
import dev.tether.store.Store;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One account raced, another beside it. {@value #RACERS} clients of an account with the merge policy send one record
 * a request over {@value #NUMBERS} phone numbers: a profile of one of {@value #USERS} users claiming one of them
 * (a number another profile holds merges the two), or, one request in five, a disassociation of one. Beside them,
 * {@value #BESIDE} clients of a second account upload new profiles, {@value #BESIDE_BATCH} a request. Then the same
 * with a control: the first account's clients on numbers and users nobody else sends. What the second account keeps
 * is its rate beside the race over its rate beside the control; the server's re-runs
 * ({@code tether_storage_retries_total}) and relocks ({@code tether_storage_relocks_total}) are counted across each
 * pair of rows, beside the first account's requests.
 */
final class ContentionBench {
    static final int RACERS = 12;
    static final int NUMBERS = 40;
    static final int USERS = 400;
    static final int BESIDE = 4;
    static final int BESIDE_BATCH = 10;
    static final String RACED_ROW = "contention: 12 clients of one account over 40 numbers (merge policy)";
    static final String BESIDE_RACE_ROW = "contention: another account's new profiles, beside the race";
    static final String CONTROL_ROW = "contention control: 12 clients of one account over numbers of their own";
    static final String BESIDE_CONTROL_ROW = "contention control: another account's new profiles, beside it";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Store store;
    private final Clock clock;
    private final Duration perRun;
    private final PrintStream log;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** Numbers and users the control's clients and the second account take once each, after the raced ones. */
    private final AtomicLong next = new AtomicLong(NUMBERS);

    ContentionBench(Store store, Clock clock, Duration perRun, PrintStream log) {
        this.store = store;
        this.clock = clock;
        this.perRun = perRun;
        this.log = log;
    }

    /** The four rows, and a note of the re-runs and of what the second account kept. */
    record Result(List<BenchResult> rows, String note) {
    }

    Result run(BenchServer server) {
        AccountService accounts = new AccountService(store, clock);
        AccountService.Created raced = accounts.create(new AccountService.NewAccount("bench-raced", "local", true,
                true, ConflictPolicy.MERGE));
        AccountService.Created beside = accounts.create(new AccountService.NewAccount("bench-beside", "local", true,
                true, ConflictPolicy.REJECT));
        log.printf("contention: %d clients over %d numbers of one account, %d clients of another beside them...%n",
                RACERS, NUMBERS, BESIDE);
        Pair control = pair(CONTROL_ROW, BESIDE_CONTROL_ROW, server, raced, beside, false);
        Pair race = pair(RACED_ROW, BESIDE_RACE_ROW, server, raced, beside, true);
        String note = String.format(Locale.ROOT, "Contention: beside the race, the other account kept %.0f%% of its"
                        + " rate beside the control. Transactions run again: %d for %,d requests of the race (%.2f%%),"
                        + " %d for %,d of the control; locks taken again from a savepoint: %d in the race, %d in the"
                        + " control.",
                100 * race.beside.recordsPerSecond() / Math.max(1e-9, control.beside.recordsPerSecond()),
                race.reruns, race.raced.requests(), 100.0 * race.reruns / Math.max(1, race.raced.requests()),
                control.reruns, control.raced.requests(), race.relocks, control.relocks);
        return new Result(List.of(race.raced, race.beside, control.raced, control.beside), note);
    }

    private record Pair(BenchResult raced, BenchResult beside, long reruns, long relocks) {
    }

    private Pair pair(String racedRow, String besideRow, BenchServer server, AccountService.Created raced,
                      AccountService.Created beside, boolean shared) {
        String base = server.baseUrl();
        ExecutorService racing = Executors.newSingleThreadExecutor();
        try {
            long rerunsBefore = counter(server, RERUNS);
            long relocksBefore = counter(server, RELOCKS);
            Future<BenchResult> racers = racing.submit(() -> Benchmark.measure(racedRow, "http", RACERS, perRun,
                    () -> racedRequest(base, raced, shared), server));
            BenchResult besideResult = Benchmark.measure(besideRow, "http", BESIDE, perRun, () -> {
                ArrayNode records = JSON.createArrayNode();
                long first = next.getAndAdd(BESIDE_BATCH);
                for (long i = first; i < first + BESIDE_BATCH; i++) {
                    records.add(Dataset.profile(i));
                }
                return post(base, "/1/upload", beside, records);
            }, server);
            BenchResult racedResult = racers.get();
            return new Pair(racedResult, besideResult, counter(server, RERUNS) - rerunsBefore,
                    counter(server, RELOCKS) - relocksBefore);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(racedRow + " failed", e);
        } finally {
            racing.shutdownNow();
        }
    }

    /** One record: a profile claiming a number, or one time in five the number's disassociation. */
    private long racedRequest(String base, AccountService.Created raced, boolean shared)
            throws IOException, InterruptedException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long own = shared ? 0 : next.getAndIncrement();
        String number = Dataset.phone(shared ? random.nextInt(NUMBERS) : own);
        ArrayNode records = JSON.createArrayNode();
        if (random.nextInt(5) == 0) {
            records.addObject().put("type", "phone").put("value", number);
            post(base, "/1/disassociate", raced, records);
        } else {
            ObjectNode record = records.addObject().put("type", "profile")
                    .put("identity", shared ? "racer-" + random.nextInt(USERS) : "control-" + own);
            record.putObject("profileData").put("Phone", number).put("Plan", random.nextBoolean() ? "basic" : "pro");
            post(base, "/1/upload", raced, records);
        }
        return 1;
    }

    /** Sends a batch; answers the records processed. */
    private long post(String base, String path, AccountService.Created account, ArrayNode records)
            throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.set("d", records);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .header("X-CleverTap-Account-Id", account.account().id())
                .header("X-CleverTap-Passcode", account.passcode())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body()).path("processed").asLong();
    }

    private static final String RERUNS = "tether_storage_retries_total";
    private static final String RELOCKS = "tether_storage_relocks_total";

    /** A counter of the server's so far, the sum of its series (every reason). */
    private static long counter(BenchServer server, String name) {
        OptionalDouble sum = server.metricSum(name, "");
        if (sum.isEmpty()) {
            throw new IllegalStateException("the server's /metrics has no " + name);
        }
        return Math.round(sum.getAsDouble());
    }
}
