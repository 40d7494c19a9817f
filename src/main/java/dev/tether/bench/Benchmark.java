package dev.tether.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.account.Account;
import dev.tether.account.AccountService;
import dev.tether.account.ConflictPolicy;
import dev.tether.config.Limits;
import dev.tether.disassociate.DisassociateService;
import dev.tether.http.TetherServer;
import dev.tether.store.Store;
import dev.tether.upload.UploadService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Loads N profiles with phone numbers, then runs each workload for a fixed time through real HTTP with C
 * concurrent clients, beside two ceilings measured in the same run: the same batches applied in-process
 * (no HTTP, no JSON) and GET /health.
 */
final class Benchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 1000;

    private final Store store;
    private final int profiles;
    private final Duration perRun;
    private final Clock clock = Clock.systemUTC();
    private final AtomicLong nextNew;
    private final AtomicLong nextToCut = new AtomicLong();
    private Account account;
    private String passcode;

    Benchmark(Store store, int profiles, Duration perRun) {
        this.store = store;
        this.profiles = profiles;
        this.perRun = perRun;
        this.nextNew = new AtomicLong(profiles);
    }

    /** Phone number i of the dataset: US numbers, area codes from 201 on, ten million per area code. */
    static String phone(long i) {
        return String.format("+1%03d%07d", 201 + i / 10_000_000, i % 10_000_000);
    }

    List<BenchResult> run(List<Integer> clientCounts, java.io.PrintStream log) throws Exception {
        AccountService.Created created = new AccountService(store, clock).create(new AccountService.NewAccount(
                "bench", "local", true, true, ConflictPolicy.REJECT));
        account = created.account();
        passcode = created.passcode();
        List<BenchResult> results = new ArrayList<>();
        UploadService uploads = new UploadService(store, Limits.defaults(), clock);
        log.printf("loading %,d profiles in batches of %d (in-process)...%n", profiles, BATCH);
        results.add(inProcess("load: upload new profiles", profiles / BATCH,
                b -> uploads.upload(account, newProfiles(b * (long) BATCH), false).processedCount()));
        try (TetherServer server = new TetherServer(store, "local", Limits.defaults(), clock).start("127.0.0.1", 0)) {
            String base = "http://127.0.0.1:" + server.port();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            DisassociateService cuts = new DisassociateService(store, clock);
            results.add(inProcess("ceiling: disassociate in-process", Math.max(1, profiles / BATCH / 4),
                    b -> cuts.disassociate(account, phoneRecords(nextToCut.getAndAdd(BATCH)), false)
                            .processedCount()));
            for (int clients : clientCounts) {
                log.printf("running workloads with %d clients, %s each...%n", clients, perRun);
                results.add(overHttp("GET /health (ceiling)", clients, http, () -> get(base + "/health"), 0));
                results.add(overHttp("GET /1/profile.json by phone", clients, http, () -> authorized(
                        base + "/1/profile.json?phone=" + phone(ThreadLocalRandom.current().nextLong(profiles)))
                        .GET(), 1));
                results.add(overHttp("upload new profiles", clients, http, () -> post(base + "/1/upload",
                        batch(newProfiles(nextNew.getAndAdd(BATCH)))), BATCH));
                results.add(overHttp("upload updates", clients, http, () -> post(base + "/1/upload",
                        batch(updates(ThreadLocalRandom.current().nextLong(profiles - BATCH + 1)))), BATCH));
                results.add(overHttp("disassociate", clients, http, () -> nextToCut.get() + BATCH > nextNew.get()
                        ? null : post(base + "/1/disassociate", batch(phoneRecords(nextToCut.getAndAdd(BATCH)))),
                        BATCH));
            }
        }
        return results;
    }

    private BenchResult inProcess(String name, int batches, IntFunction<Integer> batch) {
        LatencyRecorder latencies = new LatencyRecorder();
        long records = 0;
        long start = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            long t = System.nanoTime();
            records += batch.apply(b);
            latencies.record(System.nanoTime() - t);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return result(name, "in-process", 1, latencies, records, seconds);
    }

    private BenchResult overHttp(String name, int clients, HttpClient http, RequestSource source, int recordsEach)
            throws Exception {
        LatencyRecorder latencies = new LatencyRecorder();
        AtomicLong records = new AtomicLong();
        long deadline = System.nanoTime() + perRun.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            workers.add(pool.submit(() -> {
                while (System.nanoTime() < deadline) {
                    HttpRequest.Builder request = source.next();
                    if (request == null) {
                        return null;
                    }
                    long t = System.nanoTime();
                    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                    latencies.record(System.nanoTime() - t);
                    if (response.statusCode() >= 300 && !(recordsEach == 1 && response.statusCode() == 404)) {
                        throw new IllegalStateException(name + ": HTTP " + response.statusCode() + " "
                                + response.body());
                    }
                    records.addAndGet(recordsEach > 1 ? processed(response.body()) : recordsEach);
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        return result(name, "http", clients, latencies, records.get(), seconds);
    }

    private static long processed(String body) throws IOException {
        return JSON.readTree(body).path("processed").asLong();
    }

    private BenchResult result(String name, String path, int clients, LatencyRecorder latencies, long records,
                               double seconds) {
        Runtime runtime = Runtime.getRuntime();
        long heap = (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024);
        return new BenchResult(name, path, clients, latencies.count(), records, seconds,
                latencies.percentileMillis(50), latencies.percentileMillis(95), latencies.percentileMillis(99),
                heap, rssMb());
    }

    private static long rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @FunctionalInterface
    private interface RequestSource {
        HttpRequest.Builder next() throws Exception;
    }

    private HttpRequest.Builder authorized(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("X-CleverTap-Account-Id", account.id())
                .header("X-CleverTap-Passcode", passcode);
    }

    private static HttpRequest.Builder get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).GET();
    }

    private HttpRequest.Builder post(String url, String body) {
        return authorized(url).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static String batch(List<JsonNode> records) throws IOException {
        return JSON.writeValueAsString(JSON.createObjectNode().set("d", JSON.valueToTree(records)));
    }

    private static List<JsonNode> newProfiles(long first) {
        List<JsonNode> records = new ArrayList<>(BATCH);
        for (long i = first; i < first + BATCH; i++) {
            records.add(JSON.createObjectNode().put("type", "profile").put("identity", phone(i))
                    .set("profileData", JSON.createObjectNode().put("Name", "User " + i).put("Plan", "basic")));
        }
        return records;
    }

    private static List<JsonNode> updates(long first) {
        List<JsonNode> records = new ArrayList<>(BATCH);
        for (long i = first; i < first + BATCH; i++) {
            records.add(JSON.createObjectNode().put("type", "profile").put("identity", phone(i))
                    .set("profileData", JSON.createObjectNode().set("Visits",
                            JSON.createObjectNode().put("$incr", 1))));
        }
        return records;
    }

    private static List<JsonNode> phoneRecords(long first) {
        List<JsonNode> records = new ArrayList<>(BATCH);
        for (long i = first; i < first + BATCH; i++) {
            records.add(JSON.createObjectNode().put("type", "phone").put("value", phone(i)));
        }
        return records;
    }
}
