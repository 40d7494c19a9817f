package dev.tether.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.access.AccountService;
import dev.tether.account.Account;
import dev.tether.account.ConflictPolicy;
import dev.tether.audit.Attribution;
import dev.tether.audit.Counted;
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
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
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
    /** The same units without the audit trail: what it costs is the in-process rows' ratio to these. */
    private final Transactions withoutAuditTrail;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicLong nextToCut;
    private final AtomicLong nextNew;
    private final AtomicLong cutLimit = new AtomicLong();
    @SuppressWarnings("NullAway.Init") // set by load(), which every run starts with
    private Account account;
    @SuppressWarnings("NullAway.Init")
    private String passcode;
    /** The account a hundredth of the big one's size, once {@link #loadOtherAccounts} loaded it. */
    private AccountService.@Nullable Created small;
    private long smallProfiles;
    /** The next event index the event upload rows send: after the ones loaded. */
    private final AtomicLong nextEvent = new AtomicLong(1L << 40);

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
        this.withoutAuditTrail = Transactions.withoutAuditTrail(store, clock);
        this.nextToCut = new AtomicLong(profiles);
        this.nextNew = new AtomicLong(profiles + reserve());
    }

    private long reserve() {
        return Math.max(2L * BATCH, (long) profiles / 2 / BATCH * BATCH);
    }

    /** Creates the big account, which the dataset is loaded into. */
    void createAccount() {
        AccountService.Created created = newAccount("bench");
        account = created.account();
        passcode = created.passcode();
    }

    /** Loads the dataset and the reserve in-process, into the account {@link #createAccount} created. */
    BenchResult load() {
        long total = profiles + reserve();
        log.printf("loading %,d profiles, each with a customer id, an email address and a phone number (%,d to read"
                + " and update, %,d to disassociate)...%n", total, profiles, reserve());
        return loadProfiles("load: upload new profiles", account, 0, total);
    }

    /** Loads the reserve in-process, after {@link #freshImport} uploaded the dataset. */
    BenchResult loadReserve() {
        log.printf("loading the %,d profiles to disassociate...%n", reserve());
        return loadProfiles("load: upload new profiles (the ones to disassociate)", account, profiles,
                profiles + reserve());
    }

    /**
     * The name of a row run without the audit trail (no entries, no stamps on the bindings) beside the in-process row
     * of that name (BENCHMARKS.md, "The audit trail").
     */
    static final UnaryOperator<String> WITHOUT_AUDIT_TRAIL = row -> row + ", without the audit trail";
    static final int IMPORT_CLIENTS = 4;
    static final String IMPORT_ROW = "fresh database: upload new profiles";
    static final String READS_DURING_IMPORT = "fresh database: GET /1/profile.json by phone, during the upload";
    static final String READS_AFTER_IMPORT = "fresh database: GET /1/profile.json by phone, right after the upload";
    static final String UPLOAD_WITH_READER = "upload new profiles, with one more client reading";
    static final String READS_DURING_UPLOAD = "GET /1/profile.json by phone, during an upload of new profiles";

    /**
     * The dataset's profiles uploaded through HTTP by {@value #IMPORT_CLIENTS} clients into the database as it is
     * just migrated, with nothing settled (no statistics, nothing vacuumed, no checkpoint), as a team moving its users
     * to Tether does on its first day. A row for each tenth of the upload; beside each, one more client reads
     * profiles already uploaded, by phone, as the team's applications would; then reads right after the upload, on
     * the same server, nothing settled.
     */
    List<BenchResult> freshImport(BenchServer server) {
        warmUpOnAScratchAccount(server);
        int slices = Math.min(10, profiles / BATCH);
        long slice = (long) profiles / slices / BATCH * BATCH;
        AtomicLong next = new AtomicLong();
        List<Long> uploaded = new CopyOnWriteArrayList<>();
        List<BenchResult> rows = new ArrayList<>();
        for (int s = 0; s < slices; s++) {
            long from = s * slice;
            long to = s == slices - 1 ? profiles : from + slice;
            String range = String.format(Locale.ROOT, " (profiles %,d to %,d)", from + 1, to);
            log.printf("fresh database: uploading profiles %,d to %,d through HTTP...%n", from + 1, to);
            rows.addAll(uploadWhileReading(IMPORT_ROW + range, READS_DURING_IMPORT + range, Duration.ofDays(1),
                    () -> nextBelow(next, to), uploaded, server));
        }
        rows.add(readRow(READS_AFTER_IMPORT, IMPORT_CLIENTS, server));
        return rows;
    }

    /**
     * Warms the just-started server up as the settled rows' server is, so that the fresh rows time the database
     * rather than the JIT compiler: a twenty-fifth of the dataset's profiles uploaded into an account of their own
     * (at least 2,000, at most {@value #WARM_UP_PROFILES}), then a fiftieth as many reads of them (at least 2,000,
     * at most {@value #WARM_UP_READS}), not reported. The most is what it took at 1,000,000 profiles on PostgreSQL
     * (BENCHMARKS.md, "A fresh database"): with 2,000 profiles and one row's time of reads (1,400 at 5 s), the one
     * reader beside the upload ran on code not yet compiled for the first minute, and waited for cores busy
     * compiling the upload's code in both processes for its first ten seconds. A small dataset (CI's) gets a small
     * warm-up.
     */
    private void warmUpOnAScratchAccount(BenchServer server) {
        AccountService.Created scratch = newAccount("bench-warm-up");
        String base = server.baseUrl();
        long warmUpProfiles = Math.min(WARM_UP_PROFILES, Math.max(2 * BATCH, profiles / 25 / BATCH * BATCH));
        long warmUpReads = Math.min(WARM_UP_READS, Math.max(2_000, profiles / 50));
        log.printf("warming the server up on an account of %,d profiles, read %,d times...%n", warmUpProfiles,
                warmUpReads);
        AtomicLong next = new AtomicLong();
        measure("warm-up", "http", IMPORT_CLIENTS, Duration.ofDays(1), () -> {
            long first = nextBelow(next, warmUpProfiles);
            return first == NO_MORE ? NO_MORE : send(post(base, "/1/upload", newProfiles(first, BATCH))
                    .setHeader("X-CleverTap-Account-Id", scratch.account().id())
                    .setHeader("X-CleverTap-Passcode", scratch.passcode()), BATCH);
        }, server);
        AtomicLong reads = new AtomicLong();
        measure("warm-up", "http", IMPORT_CLIENTS, Duration.ofDays(1), () -> reads.getAndIncrement() >= warmUpReads
                ? NO_MORE
                : send(authorized(base + "/1/profile.json?phone="
                        + Dataset.phone(ThreadLocalRandom.current().nextLong(warmUpProfiles)), scratch.account().id(),
                        scratch.passcode()).GET(), 1), server);
    }

    private static final long WARM_UP_PROFILES = 40 * BATCH;
    private static final long WARM_UP_READS = 20_000;

    /**
     * New profiles uploaded through HTTP by {@value #IMPORT_CLIENTS} clients while one more client reads profiles
     * of the dataset, on the settled database: what the reads during the fresh upload are compared with.
     */
    List<BenchResult> uploadWhileReading(BenchServer server) {
        List<Long> dataset = new ArrayList<>();
        for (long first = 0; first < profiles; first += BATCH) {
            dataset.add(first);
        }
        List<Long> readable = new CopyOnWriteArrayList<>(dataset);
        return uploadWhileReading(UPLOAD_WITH_READER, READS_DURING_UPLOAD, perRun,
                () -> nextNew.getAndAdd(BATCH), readable, server);
    }

    /**
     * Batches of new profiles from {@code firsts} (until it answers NO_MORE or the time is up) through HTTP by
     * {@value #IMPORT_CLIENTS} clients, and beside them one client reading, by phone, profiles of the batches in
     * {@code readable} (safe for the uploaders to add to while the reader reads), to which each batch uploaded is
     * added; the upload's row, then the reads'.
     */
    private List<BenchResult> uploadWhileReading(String uploadRow, String readRow, Duration duration,
                                                 LongSupplier firsts, List<Long> readable,
                                                 BenchServer server) {
        String base = server.baseUrl();
        ExecutorService uploader = Executors.newSingleThreadExecutor();
        try {
            Future<BenchResult> upload = uploader.submit(() -> measure(uploadRow, "http", IMPORT_CLIENTS, duration,
                    () -> {
                        long first = firsts.getAsLong();
                        if (first == NO_MORE) {
                            return NO_MORE;
                        }
                        long processed = send(post(base, "/1/upload", newProfiles(first, BATCH)), BATCH);
                        readable.add(first);
                        return processed;
                    }, server));
            while (readable.isEmpty() && !upload.isDone()) {
                Thread.sleep(5);
            }
            BenchResult reads = measure(readRow, "http", 1, Duration.ofDays(1), () -> {
                if (upload.isDone()) {
                    return NO_MORE;
                }
                ThreadLocalRandom random = ThreadLocalRandom.current();
                long profile = readable.get(random.nextInt(readable.size())) + random.nextInt(BATCH);
                return send(authorized(base + "/1/profile.json?phone=" + Dataset.phone(profile)).GET(), 1);
            }, server);
            return List.of(upload.get(), reads);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(uploadRow + " failed", e);
        } finally {
            uploader.shutdownNow();
        }
    }

    /** The first of the next 1000 below {@code limit}, taken from {@code next}, or NO_MORE once it is reached. */
    private static long nextBelow(AtomicLong next, long limit) {
        while (true) {
            long first = next.get();
            if (first >= limit) {
                return NO_MORE;
            }
            if (next.compareAndSet(first, first + BATCH)) {
                return first;
            }
        }
    }

    /**
     * The other accounts a deployment holds beside the big one, loaded in-process: one a tenth of its size, one a
     * hundredth, each with as many events a profile as the big one gets ({@code events} over its profiles).
     */
    BenchResult loadOtherAccounts(long events) {
        long start = System.nanoTime();
        long records = 0;
        for (int share : new int[] {10, 100}) {
            AccountService.Created created = newAccount("bench-1/" + share);
            long count = Math.max(BATCH, (long) profiles / share / BATCH * BATCH);
            log.printf("loading another account: %,d profiles and %,d events...%n", count, events / share);
            records += loadProfiles("load", created.account(), 0, count).records();
            records += new EventLoad(created.account(), count, events / share).load("load", 0, events / share)
                    .records();
            if (share == 100) {
                small = created;
                smallProfiles = count;
            }
        }
        return new BenchResult("load: two other accounts (a tenth and a hundredth, profiles and events)",
                "in-process", 1, records / BATCH, records, (System.nanoTime() - start) / 1e9, 0, 0, 0, ownHeapMb(),
                BenchServer.Memory.rssMb(ProcessHandle.current().pid()));
    }

    private AccountService.Created newAccount(String name) {
        return new AccountService(store, clock).create(new AccountService.NewAccount(name, "local", true, true,
                ConflictPolicy.REJECT));
    }

    private BenchResult loadProfiles(String row, Account into, long from, long to) {
        AtomicLong nextLoaded = new AtomicLong(from);
        return measure(row, "in-process", 1, Duration.ofDays(1), () -> {
            long first = nextLoaded.getAndAdd(BATCH);
            return first >= to ? NO_MORE : uploadInProcess(into, newProfiles(first, BATCH));
        }, null);
    }

    /** The big account's events: {@code events} over its dataset's profiles, a month of them. */
    EventLoad events(long events) {
        return new EventLoad(account, profiles, events);
    }

    /** The contention rows, with new accounts of their own. */
    ContentionBench contention() {
        return new ContentionBench(store, clock, perRun, log);
    }

    /** The export and count workloads, over events of this run's account and dataset. */
    ExportBench exports(long events) {
        return new ExportBench(store, account, passcode, events, perRun, log);
    }

    /**
     * Events uploaded in-process, a batch of 1000 at a time: event i is by profile i mod {@code profiles}, so each
     * profile gets about events / profiles of them, at a time spread evenly over the month.
     */
    final class EventLoad {
        private final Account into;
        private final long profilesOf;
        private final long total;

        EventLoad(Account into, long profilesOf, long total) {
            this.into = into;
            this.profilesOf = profilesOf;
            this.total = total;
        }

        /** Uploads events [from, to) of the month. */
        BenchResult load(String row, long from, long to) {
            log.printf("loading events %,d to %,d of %,d...%n", from, to, total);
            AtomicLong next = new AtomicLong(from);
            return measure(row, "in-process", 1, Duration.ofDays(1), () -> {
                long first = next.getAndAdd(BATCH);
                if (first >= to) {
                    return NO_MORE;
                }
                List<JsonNode> batch = new ArrayList<>(BATCH);
                for (long i = first; i < Math.min(to, first + BATCH); i++) {
                    batch.add(Dataset.event(i, i % profilesOf,
                            Dataset.NOV_1 + i * Dataset.MONTH_SECONDS / Math.max(1, total)));
                }
                return uploadInProcess(into, batch);
            }, null);
        }
    }

    /** An upload in this process: the same parsing, unit of work and operation as the HTTP route, without HTTP. */
    private int uploadInProcess(List<JsonNode> records) {
        return uploadInProcess(account, records);
    }

    private int uploadInProcess(Account into, List<JsonNode> records) {
        return uploadInProcess(transactions, into, records);
    }

    private int uploadInProcess(Transactions units, Account into, List<JsonNode> records) {
        UploadRequest request = UploadRequest.parse(into, records, Limits.defaults(), clock.instant().getEpochSecond());
        return units.write(into, false, attribution("POST /1/upload"), unit -> uploads.upload(unit, request),
                Counted::of).result().processedCount();
    }

    private int disassociateInProcess(Transactions units, List<JsonNode> records) {
        DisassociateRequest request = DisassociateRequest.parse(account, records,
                LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        return units.write(account, false, attribution("POST /1/disassociate"),
                unit -> disassociations.disassociate(unit, request), Counted::of).result().processedCount();
    }

    /** An in-process write, stamped and audited as a request of the bench's passcode would be. */
    private static Attribution attribution(String action) {
        return new Attribution(Attribution.freshId(), Attribution.passcode("bench"), action, Optional.empty());
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
        rows.add(readRow("GET /1/profile.json by phone", clients, server));
        AccountService.Created smallAccount = small;
        if (smallAccount != null) {
            rows.add(measure(SMALL_ACCOUNT_READS, "http", clients, perRun,
                    () -> send(authorized(base + "/1/profile.json?phone="
                            + Dataset.phone(ThreadLocalRandom.current().nextLong(smallProfiles)),
                            smallAccount.account().id(), smallAccount.passcode()).GET(), 1), server));
        }
        rows.addAll(measureWithAndWithoutAuditTrail("upload new profiles", clients, perRun,
                units -> () -> uploadInProcess(units, account, newProfiles(nextNew.getAndAdd(BATCH), BATCH))));
        rows.addAll(measurePair(List.of("upload new profiles", "upload new profiles, with Idempotency-Key"), "http",
                clients, perRun, List.of(
                        () -> send(post(base, "/1/upload", newProfiles(nextNew.getAndAdd(BATCH), BATCH)), BATCH),
                        () -> send(post(base, "/1/upload", newProfiles(nextNew.getAndAdd(BATCH), BATCH))
                                .header("Idempotency-Key", "bench-" + UUID.randomUUID()), BATCH)), server));
        rows.add(measure("upload events", "in-process", clients, perRun,
                () -> uploadInProcess(newEvents(BATCH)), null));
        rows.add(measure("upload events", "http", clients, perRun,
                () -> send(post(base, "/1/upload", newEvents(BATCH)), BATCH), server));
        rows.add(measure("upload updates", "in-process", clients, perRun,
                () -> uploadInProcess(updates(randomFirst(BATCH), BATCH)), null));
        rows.add(measure("upload updates", "http", clients, perRun,
                () -> send(post(base, "/1/upload", updates(randomFirst(BATCH), BATCH)), BATCH), server));
        // the disassociate rows share the bound numbers left: a fifth each (two for the in-process pair), so that
        // none starves the others
        long from = nextToCut.get();
        long share = (nextNew.get() - from) / 5 / BATCH * BATCH;
        cutLimit.set(from + 2 * share);
        rows.addAll(measureWithAndWithoutAuditTrail("disassociate", clients, perRun, units -> () -> {
            long first = nextCut();
            return first == NO_MORE ? NO_MORE : disassociateInProcess(units, phoneRecords(first));
        }));
        cutLimit.set(from + 3 * share);
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
        rows.addAll(disassociateWithWebhook(clients, server, from + 4 * share));
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

    /** Profile reads by phone number of the big account, through HTTP. */
    BenchResult readRow(String name, int clients, BenchServer server) {
        return measure(name, "http", clients, perRun, () -> send(readRequest(server.baseUrl()), 1), server);
    }

    /**
     * Events of the dataset's profiles, as an app sends them as they happen; dated the day after the loaded month,
     * so that the export and count rows, which check their totals, see only the loaded ones.
     */
    private List<JsonNode> newEvents(int count) {
        long ts = Dataset.NOV_1 + Dataset.MONTH_SECONDS + 3_600;
        List<JsonNode> records = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            records.add(Dataset.event(nextEvent.getAndIncrement(), ThreadLocalRandom.current().nextLong(profiles), ts));
        }
        return records;
    }

    /** Starts a second server on the benchmark's database for the rows that need one of their own. */
    @FunctionalInterface
    interface ServerStarter {
        BenchServer start() throws IOException, InterruptedException;
    }

    static final String DRY_RUN_ROW = "disassociate, dry run of 1000 bound numbers";
    static final String SMALL_ACCOUNT_READS = "GET /1/profile.json by phone, an account a hundredth the size";

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
    interface Call {
        /** One request or one in-process batch; the records it processed, or NO_MORE when the numbers ran out. */
        long run() throws Exception;
    }

    static BenchResult measure(String name, String path, int clients, Duration duration, Call call,
                                @Nullable BenchServer server) {
        LatencyRecorder latencies = new LatencyRecorder();
        AtomicLong records = new AtomicLong();
        long start = System.nanoTime();
        runClients(name, clients, duration, (client, deadline) -> {
            while (System.nanoTime() < deadline) {
                long t = System.nanoTime();
                long processed = call.run();
                if (processed == NO_MORE) {
                    return;
                }
                latencies.record(System.nanoTime() - t);
                records.addAndGet(processed);
            }
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        long heap = server == null ? ownHeapMb() : server.heapUsedMb();
        long rss = BenchServer.Memory.rssMb(server == null ? ProcessHandle.current().pid() : server.pid());
        return new BenchResult(name, path, clients, latencies.count(), records.get(), seconds,
                latencies.percentileMillis(50), latencies.percentileMillis(95), latencies.percentileMillis(99),
                heap, rss);
    }

    /** What one client of a row does until the deadline (System.nanoTime()). */
    private interface Client {
        void run(int client, long deadline) throws Exception;
    }

    /** Runs {@code clients} clients at once for the duration, and waits for them; a failure fails the row. */
    private static void runClients(String name, int clients, Duration duration, Client client) {
        long deadline = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int which = c;
                workers.add(pool.submit(() -> {
                    client.run(which, deadline);
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
    }

    /**
     * An in-process row and the same without the audit trail, measured together ({@link #measurePair}).
     */
    private List<BenchResult> measureWithAndWithoutAuditTrail(String name, int clients, Duration duration,
                                                             Function<Transactions, Call> call) {
        return measurePair(List.of(name, WITHOUT_AUDIT_TRAIL.apply(name)), "in-process", clients, duration,
                List.of(call.apply(transactions), call.apply(withoutAuditTrail)), null);
    }

    /**
     * Two rows measured together: each client alternates a call of each (half of them starting with each), so that
     * both meet the same database at the same moments and neither gains from running later on a more settled one.
     * Each row's rate is its records over the time its calls took, spread over the clients: what it would do alone.
     */
    private static List<BenchResult> measurePair(List<String> names, String path, int clients, Duration duration,
                                                 List<Call> calls, @Nullable BenchServer server) {
        List<LatencyRecorder> latencies = List.of(new LatencyRecorder(), new LatencyRecorder());
        List<AtomicLong> records = List.of(new AtomicLong(), new AtomicLong());
        List<AtomicLong> busy = List.of(new AtomicLong(), new AtomicLong());
        runClients(names.get(0), clients, duration, (client, deadline) -> {
            for (int i = client % 2; System.nanoTime() < deadline; i++) {
                int which = i % 2;
                long t = System.nanoTime();
                long processed = calls.get(which).run();
                if (processed == NO_MORE) {
                    return;
                }
                long elapsed = System.nanoTime() - t;
                latencies.get(which).record(elapsed);
                busy.get(which).addAndGet(elapsed);
                records.get(which).addAndGet(processed);
            }
        });
        long heap = server == null ? ownHeapMb() : server.heapUsedMb();
        long rss = BenchServer.Memory.rssMb(server == null ? ProcessHandle.current().pid() : server.pid());
        List<BenchResult> rows = new ArrayList<>();
        for (int which = 0; which < 2; which++) {
            LatencyRecorder recorded = latencies.get(which);
            rows.add(new BenchResult(names.get(which), path, clients, recorded.count(), records.get(which).get(),
                    Math.max(busy.get(which).get(), 1) / 1e9 / clients, recorded.percentileMillis(50),
                    recorded.percentileMillis(95), recorded.percentileMillis(99), heap, rss));
        }
        return rows;
    }

    private static long ownHeapMb() {
        Runtime runtime = Runtime.getRuntime();
        return (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024);
    }

    /** The first of the next 1000 numbers to disassociate, or NO_MORE when the row's share is used up. */
    private long nextCut() {
        while (true) {
            long first = nextToCut.get();
            if (first + BATCH > cutLimit.get()) {
                // not taken: the next row's share starts where this one's ended, however many clients asked
                return NO_MORE;
            }
            if (nextToCut.compareAndSet(first, first + BATCH)) {
                return first;
            }
        }
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
        return authorized(base + "/1/profile.json?phone="
                + Dataset.phone(ThreadLocalRandom.current().nextLong(profiles))).GET();
    }

    private HttpRequest.Builder authorized(String url) {
        return authorized(url, account.id(), passcode);
    }

    private static HttpRequest.Builder authorized(String url, String accountId, String passcode) {
        return HttpRequest.newBuilder(URI.create(url)).header("X-CleverTap-Account-Id", accountId)
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
            records.add(Dataset.profile(i));
        }
        return records;
    }

    private static List<JsonNode> updates(long first, int count) {
        List<JsonNode> records = new ArrayList<>(count);
        for (long i = first; i < first + count; i++) {
            records.add(Dataset.update(i));
        }
        return records;
    }

    /** 1000 numbers of the dataset, each asked about the day a year ago, as a compliance job would. */
    private List<JsonNode> reassignedQuestions(long first) {
        String date = LocalDate.now(ZoneOffset.UTC).minusYears(1).toString();
        List<JsonNode> records = new ArrayList<>(BATCH);
        for (long i = first; i < first + BATCH; i++) {
            records.add(JSON.createObjectNode().put("phone", Dataset.phone(i)).put("date", date));
        }
        return records;
    }

    private static List<JsonNode> phoneRecords(long first) {
        List<JsonNode> records = new ArrayList<>(BATCH);
        for (long i = first; i < first + BATCH; i++) {
            records.add(JSON.createObjectNode().put("type", "phone").put("value", Dataset.phone(i)));
        }
        return records;
    }
}
