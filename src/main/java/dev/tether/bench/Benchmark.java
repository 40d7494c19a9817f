package dev.tether.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.access.AccountService;
import dev.tether.account.Account;
import dev.tether.account.ConflictPolicy;
import dev.tether.config.Limits;
import dev.tether.disassociate.DisassociateRequest;
import dev.tether.disassociate.DisassociateService;
import dev.tether.store.Store;
import dev.tether.upload.UploadRequest;
import dev.tether.upload.UploadService;
import dev.tether.work.Transactions;
import dev.tether.webhook.SecretBox;
import dev.tether.webhook.WebhookService;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The workloads. Numbers are drawn from three ranges that never mix: the dataset [0, N), which reads and
 * updates use and nobody disassociates; a reserve [N, N + N/2) loaded for disassociation; and the numbers new
 * uploads create, from N + N/2 on, which disassociation takes once the reserve is used. Every workload that
 * has an in-process ceiling runs twice at the same concurrency: once through the services and store with no
 * HTTP and no JSON, once through HTTP.
 */
final class Benchmark {
    static final int BATCH = 1000;
    private static final long NO_MORE = -1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Store store;
    private final SecretBox secrets;
    private final int profiles;
    private final Duration perRun;
    private final PrintStream log;
    private final Clock clock = Clock.systemUTC();
    private final UploadService uploads;
    private final DisassociateService disassociations;
    private final Transactions transactions;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicLong nextToCut;
    private final AtomicLong nextNew;
    private final AtomicLong cutLimit = new AtomicLong();
    @SuppressWarnings("NullAway.Init") // set by load(), which every run starts with
    private Account account;
    @SuppressWarnings("NullAway.Init")
    private String passcode;

    Benchmark(Store store, SecretBox secrets, int profiles, Duration perRun, PrintStream log) {
        if (profiles < 2 * BATCH || profiles % BATCH != 0) {
            throw new IllegalArgumentException("profiles must be a multiple of " + BATCH + ", at least " + 2 * BATCH);
        }
        this.store = store;
        this.secrets = secrets;
        this.profiles = profiles;
        this.perRun = perRun;
        this.log = log;
        this.uploads = new UploadService(Limits.defaults());
        this.disassociations = new DisassociateService();
        this.transactions = new Transactions(store, clock);
        this.nextToCut = new AtomicLong(profiles);
        this.nextNew = new AtomicLong(profiles + reserve());
    }

    private long reserve() {
        return Math.max(2L * BATCH, (long) profiles / 2 / BATCH * BATCH);
    }

    /** Phone number i: US numbers, area codes from 201 on, ten million per area code. */
    static String phone(long i) {
        String line = Long.toString(10_000_000 + i % 10_000_000).substring(1);
        return "+1" + (201 + i / 10_000_000) + line;
    }

    /** Creates the account and loads the dataset and the reserve, in-process; the load is the first row. */
    BenchResult load() {
        AccountService.Created created = new AccountService(store, clock).create(new AccountService.NewAccount(
                "bench", "local", true, true, ConflictPolicy.REJECT));
        account = created.account();
        passcode = created.passcode();
        long total = profiles + reserve();
        log.printf("loading %,d profiles with phone numbers (%,d to read and update, %,d to disassociate)...%n",
                total, profiles, reserve());
        AtomicLong nextLoaded = new AtomicLong();
        return measure("load: upload new profiles", "in-process", 1, Duration.ofDays(1), () -> {
            long first = nextLoaded.getAndAdd(BATCH);
            return first >= total ? NO_MORE : uploadInProcess(newProfiles(first, BATCH));
        }, null);
    }

    /** The export and count workloads, over events of this run's account and dataset. */
    ExportBench exports(long events) {
        return new ExportBench(store, account, passcode, profiles, events, perRun, log);
    }

    /** An upload in this process: the same parsing, unit of work and operation as the HTTP route, without HTTP. */
    private int uploadInProcess(List<JsonNode> records) {
        UploadRequest request = UploadRequest.parse(account, records, Limits.defaults(), clock.instant().getEpochSecond());
        return transactions.write(account, false, unit -> uploads.upload(unit, request)).result().processedCount();
    }

    private int disassociateInProcess(List<JsonNode> records) {
        DisassociateRequest request = DisassociateRequest.parse(account, records);
        return transactions.write(account, false, unit -> disassociations.disassociate(unit, request)).result()
                .processedCount();
    }

    /**
     * Traffic on every path against a freshly started server, not reported: without it the first rows time the
     * JIT compiler, and the /health ceiling swings threefold between runs.
     */
    void warmUp(BenchServer server, Duration duration) {
        log.printf("warming the server up for %s...%n", duration);
        String base = server.baseUrl();
        Duration third = duration.dividedBy(3);
        measure("warm-up", "http", 4, third,
                () -> send(HttpRequest.newBuilder(URI.create(base + "/health")).GET(), 0), server);
        measure("warm-up", "http", 4, third, () -> send(readRequest(base), 1), server);
        measure("warm-up", "http", 4, third, () -> mixed(base), server);
    }

    /**
     * Every workload at one concurrency, against the server. What metrics cost is measured with disassociate dry
     * runs of bound numbers (the same request path, resolution included, without the write, so a fixed cost the
     * metrics do not touch is left out of the comparison): once against this server, once against a server
     * started for it with {@code --metrics off} and warmed up the same way. Real disassociations cannot be
     * compared so: each row's share of bound numbers lasts a fraction of a second at these rates.
     */
    List<BenchResult> runAll(int clients, BenchServer server, ServerStarter withoutMetrics) {
        String base = server.baseUrl();
        log.printf("%d clients, %s per workload...%n", clients, perRun);
        List<BenchResult> rows = new ArrayList<>();
        rows.add(measure("GET /health (ceiling)", "http", clients, perRun,
                () -> send(HttpRequest.newBuilder(URI.create(base + "/health")).GET(), 0), server));
        rows.add(measure("GET /1/profile.json by phone", "http", clients, perRun,
                () -> send(readRequest(base), 1), server));
        rows.add(measure("upload new profiles", "in-process", clients, perRun,
                () -> uploadInProcess(newProfiles(nextNew.getAndAdd(BATCH), BATCH)), null));
        rows.add(measure("upload new profiles", "http", clients, perRun,
                () -> send(post(base, "/1/upload", newProfiles(nextNew.getAndAdd(BATCH), BATCH)), BATCH), server));
        rows.add(measure("upload new profiles, with Idempotency-Key", "http", clients, perRun,
                () -> send(post(base, "/1/upload", newProfiles(nextNew.getAndAdd(BATCH), BATCH))
                        .header("Idempotency-Key", "bench-" + UUID.randomUUID()), BATCH), server));
        rows.add(measure("upload updates", "in-process", clients, perRun,
                () -> uploadInProcess(updates(randomFirst(BATCH), BATCH)), null));
        rows.add(measure("upload updates", "http", clients, perRun,
                () -> send(post(base, "/1/upload", updates(randomFirst(BATCH), BATCH)), BATCH), server));
        // the four disassociate rows share the bound numbers left: a quarter each, so that none starves the others
        long from = nextToCut.get();
        long share = (nextNew.get() - from) / 4 / BATCH * BATCH;
        cutLimit.set(from + share);
        rows.add(measure("disassociate", "in-process", clients, perRun, () -> {
            long first = nextCut();
            return first == NO_MORE ? NO_MORE
                    : disassociateInProcess(phoneRecords(first));
        }, null));
        cutLimit.set(from + 2 * share);
        rows.add(measure("disassociate", "http", clients, perRun, disassociateOverHttp(base), server));
        rows.add(measure(DRY_RUN_ROW, "http", clients, perRun, disassociateDryRun(base), server));
        try (BenchServer quiet = withoutMetrics.start()) {
            warmUp(quiet, perRun);
            rows.add(measure(DRY_RUN_ROW + ", server with --metrics off", "http", clients, perRun,
                    disassociateDryRun(quiet.baseUrl()), quiet));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        rows.addAll(disassociateWithWebhook(clients, server, from + 3 * share));
        rows.add(measure("reassignment check (1000 numbers)", "http", clients, perRun,
                () -> send(post(base, "/1/identity/reassigned.json", reassignedQuestions(randomFirst(BATCH))), BATCH),
                server));
        rows.add(measure("mixed: 60% reads, 30% updates, 10% new (batches of 100)", "http", clients, perRun,
                () -> mixed(base), server));
        return rows;
    }

    /**
     * Disassociate through HTTP with a webhook endpoint registered (each number cut becomes a message, written in
     * the same transaction), twice: with the endpoint paused, so that the row measures what the messages cost the
     * write; then with it delivering as the row runs, so that the sender (and the receiver, on the same cores here)
     * take their share of the CPU. Between the two, the rate at which the server delivers the first row's messages
     * to a local receiver that answers at once, with nothing else running: from the first delivery to the last.
     * The endpoint is removed afterwards, so that the rows after these run without one.
     */
    private List<BenchResult> disassociateWithWebhook(int clients, BenchServer server, long firstLimit) {
        String base = server.baseUrl();
        WebhookService webhooks = new WebhookService(store, secrets, clock);
        Call disassociate = disassociateOverHttp(base);
        List<BenchResult> rows = new ArrayList<>();
        try (WebhookSink sink = WebhookSink.start()) {
            WebhookService.Added endpoint = webhooks.add(account.id(), sink.url(), List.of());
            String endpointId = endpoint.endpoint().endpointId();
            webhooks.pause(account.id(), endpointId);
            cutLimit.set(firstLimit);
            rows.add(measure("disassociate, with a webhook endpoint (paused)", "http", clients, perRun,
                    disassociate, server));
            long messages = store.read(tx -> tx.webhooks().messagesAfter(account.id(),
                    endpoint.endpoint().deliveredSeq(), Integer.MAX_VALUE)).size();
            webhooks.resume(account.id(), endpointId);
            awaitDeliveries(sink, messages);
            rows.add(new BenchResult("webhook delivery to a local receiver (1 endpoint, nothing else running)", "http",
                    1, sink.deliveries(), sink.deliveries(), Math.max(sink.seconds(), 1e-3), 0, 0, 0,
                    server.heapUsedMb(), BenchServer.Memory.rssMb(server.pid())));
            cutLimit.set(nextNew.get());
            rows.add(measure("disassociate, with a webhook endpoint (delivering)", "http", clients, perRun,
                    disassociate, server));
            awaitDeliveries(sink, store.read(tx -> tx.webhooks().messagesAfter(account.id(),
                    endpoint.endpoint().deliveredSeq(), Integer.MAX_VALUE)).size());
            webhooks.remove(account.id(), endpointId);
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a second server on the benchmark's database for the rows that need one of their own. */
    @FunctionalInterface
    interface ServerStarter {
        BenchServer start() throws IOException, InterruptedException;
    }

    static final String DRY_RUN_ROW = "disassociate, dry run of 1000 bound numbers";

    /** A dry run of 1000 bound numbers of the read-and-update set: repeatable, so the row lasts its time. */
    private Call disassociateDryRun(String base) {
        return () -> send(post(base, "/1/disassociate?dryRun=1", phoneRecords(randomFirst(BATCH))), BATCH);
    }

    /** 1000 of the numbers left to cut a request, through HTTP, until the row's share is used up. */
    private Call disassociateOverHttp(String base) {
        return () -> {
            long first = nextCut();
            return first == NO_MORE ? NO_MORE : send(post(base, "/1/disassociate", phoneRecords(first)), BATCH);
        };
    }

    private static void awaitDeliveries(WebhookSink sink, long count) {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (sink.deliveries() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the server delivered " + sink.deliveries() + " of " + count
                        + " webhook messages in 10 minutes");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    @FunctionalInterface
    private interface Call {
        /** One request or one in-process batch; the records it processed, or NO_MORE when the numbers ran out. */
        long run() throws Exception;
    }

    private BenchResult measure(String name, String path, int clients, Duration duration, Call call,
                                @Nullable BenchServer server) {
        LatencyRecorder latencies = new LatencyRecorder();
        AtomicLong records = new AtomicLong();
        long deadline = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                workers.add(pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        long t = System.nanoTime();
                        long processed = call.run();
                        if (processed == NO_MORE) {
                            return null;
                        }
                        latencies.record(System.nanoTime() - t);
                        records.addAndGet(processed);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(name + " failed: " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long heap = server == null ? ownHeapMb() : server.heapUsedMb();
        long rss = BenchServer.Memory.rssMb(server == null ? ProcessHandle.current().pid() : server.pid());
        return new BenchResult(name, path, clients, latencies.count(), records.get(), seconds,
                latencies.percentileMillis(50), latencies.percentileMillis(95), latencies.percentileMillis(99),
                heap, rss);
    }

    private static long ownHeapMb() {
        Runtime runtime = Runtime.getRuntime();
        return (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024);
    }

    /** The first of the next 1000 numbers to disassociate, or NO_MORE when the row's share is used up. */
    private long nextCut() {
        long first = nextToCut.getAndAdd(BATCH);
        return first + BATCH <= cutLimit.get() ? first : NO_MORE;
    }

    private long randomFirst(int size) {
        return ThreadLocalRandom.current().nextLong(profiles - size + 1);
    }

    private long mixed(String base) throws Exception {
        double dice = ThreadLocalRandom.current().nextDouble();
        if (dice < 0.6) {
            return send(readRequest(base), 1);
        }
        List<JsonNode> batch = dice < 0.9 ? updates(randomFirst(100), 100) : newProfiles(nextNew.getAndAdd(100), 100);
        return send(post(base, "/1/upload", batch), 100);
    }

    /** Sends one request; answers the records the server processed. A read's 404 would be a harness bug. */
    private long send(HttpRequest.Builder request, int records) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode() + " " + response.body());
        }
        return records > 1 ? JSON.readTree(response.body()).path("processed").asLong() : records;
    }

    private HttpRequest.Builder readRequest(String base) {
        return authorized(base + "/1/profile.json?phone=" + phone(ThreadLocalRandom.current().nextLong(profiles)))
                .GET();
    }

    private HttpRequest.Builder authorized(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("X-CleverTap-Account-Id", account.id())
                .header("X-CleverTap-Passcode", passcode);
    }

    private HttpRequest.Builder post(String base, String path, List<JsonNode> records) throws IOException {
        String body = JSON.writeValueAsString(JSON.createObjectNode().set("d", JSON.valueToTree(records)));
        return authorized(base + path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static List<JsonNode> newProfiles(long first, int count) {
        List<JsonNode> records = new ArrayList<>(count);
        for (long i = first; i < first + count; i++) {
            records.add(JSON.createObjectNode().put("type", "profile").put("identity", phone(i))
                    .set("profileData", JSON.createObjectNode().put("Name", "User " + i).put("Plan", "basic")));
        }
        return records;
    }

    private static List<JsonNode> updates(long first, int count) {
        List<JsonNode> records = new ArrayList<>(count);
        for (long i = first; i < first + count; i++) {
            records.add(JSON.createObjectNode().put("type", "profile").put("identity", phone(i))
                    .set("profileData", JSON.createObjectNode().set("Visits",
                            JSON.createObjectNode().put("$incr", 1))));
        }
        return records;
    }

    /** 1000 numbers of the dataset, each asked about the day a year ago, as a compliance job would. */
    private List<JsonNode> reassignedQuestions(long first) {
        String date = LocalDate.now(ZoneOffset.UTC).minusYears(1).toString();
        List<JsonNode> records = new ArrayList<>(BATCH);
        for (long i = first; i < first + BATCH; i++) {
            records.add(JSON.createObjectNode().put("phone", phone(i)).put("date", date));
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
