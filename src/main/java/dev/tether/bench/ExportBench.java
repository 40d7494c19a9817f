package dev.tether.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.access.AccountService;
import dev.tether.account.Account;
import dev.tether.config.Limits;
import dev.tether.export.CursorCodec;
import dev.tether.export.ExportCursor;
import dev.tether.export.ExportKind;
import dev.tether.export.Exports;
import dev.tether.store.Store;
import dev.tether.upload.UploadRequest;
import dev.tether.upload.UploadService;
import dev.tether.work.Transactions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The export and count workloads over a month of events: the events are loaded in-process through the upload path
 * (realistic records: an amount, a currency, items, a category), then one client pages through the whole month with
 * batch_size 5000, once in-process (the same cursors, unit of work and store reads as the route, each row read into
 * an event and let go, without HTTP and JSON) and once through HTTP, parsing each page as a streaming client does (every record parsed and let go, the
 * next cursor picked up). The server's heap is
 * taken after a full collection at the first, middle and last page: an export must not hold on to what it sent.
 */
final class ExportBench {
    static final int PAGE = Exports.MAX_BATCH_SIZE;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 2026-11-01 00:00 UTC: the month of events is November 2026. */
    private static final long NOV_1 = 1_793_491_200L;
    private static final long MONTH_SECONDS = 30L * 24 * 3600;
    private static final String QUERY = "{\"event_name\":\"Charged\",\"from\":20261101,\"to\":20261130}";

    private final Account account;
    private final String passcode;
    private final int profiles;
    private final long events;
    private final Duration perRun;
    private final PrintStream log;
    private final Clock clock = Clock.systemUTC();
    private final Transactions transactions;
    private final Exports exports;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** The heap after a full collection at the first, middle and last page of the HTTP export. */
    record Heap(long firstPageMb, long middlePageMb, long lastPageMb) {
    }

    ExportBench(Store store, Account account, String passcode, int profiles, long events, Duration perRun,
                PrintStream log) {
        this.account = account;
        this.passcode = passcode;
        this.profiles = profiles;
        this.events = events;
        this.perRun = perRun;
        this.log = log;
        this.transactions = new Transactions(store, clock);
        this.exports = new Exports(new CursorCodec(new AccountService(store, clock).sharedKey(CursorCodec.KEY_NAME),
                clock));
    }

    /** Uploads the month of events in-process, a batch of 1000 at a time, spread over the dataset's profiles. */
    BenchResult load() {
        log.printf("loading %,d events over a month...%n", events);
        UploadService uploads = new UploadService(Limits.defaults());
        LatencyRecorder latencies = new LatencyRecorder();
        long start = System.nanoTime();
        for (long first = 0; first < events; first += Benchmark.BATCH) {
            List<JsonNode> batch = new ArrayList<>();
            for (long i = first; i < Math.min(events, first + Benchmark.BATCH); i++) {
                batch.add(event(i));
            }
            long t = System.nanoTime();
            UploadRequest request = UploadRequest.parse(account, batch, Limits.defaults(),
                    clock.instant().getEpochSecond());
            transactions.write(account, false, unit -> uploads.upload(unit, request));
            latencies.record(System.nanoTime() - t);
        }
        return result("load: upload events", "in-process", latencies, events, start, -1, -1);
    }

    private JsonNode event(long i) {
        ObjectNode data = JSON.createObjectNode().put("Amount", 100 + i % 4900).put("Currency", "INR")
                .put("Items", 1 + i % 7).put("Category", i % 3 == 0 ? "books" : i % 3 == 1 ? "music" : "games");
        return JSON.createObjectNode().put("type", "event").put("identity", Benchmark.phone(i % profiles))
                .put("ts", NOV_1 + i * MONTH_SECONDS / Math.max(1, events)).put("evtName", "Charged")
                .set("evtData", data);
    }

    /** The whole month, page by page, in this process. */
    BenchResult exportInProcess() throws IOException {
        String first = exports.start(account.id(), ExportKind.EVENTS, JSON.readTree(QUERY),
                Optional.of(Integer.toString(PAGE)));
        LatencyRecorder latencies = new LatencyRecorder();
        long read = 0;
        long start = System.nanoTime();
        Optional<String> next = Optional.of(first);
        while (next.isPresent()) {
            String token = next.get();
            long t = System.nanoTime();
            ExportCursor cursor = exports.open(token, account.id(), ExportKind.EVENTS);
            long[] rows = {0};
            next = transactions.read(account, unit -> {
                rows[0] = 0;
                return exports.events(unit, cursor, event -> rows[0]++);
            });
            latencies.record(System.nanoTime() - t);
            read += rows[0];
        }
        requireAll(read);
        return result("export events (batch_size 5000)", "in-process", latencies, read, start, -1, -1);
    }

    /** The whole month, page by page, through HTTP; the heap samples are taken between pages, outside the timing. */
    BenchResult exportHttp(BenchServer server, List<Heap> heap) throws IOException, InterruptedException {
        String base = server.baseUrl();
        LatencyRecorder latencies = new LatencyRecorder();
        long start = System.nanoTime();
        long paused = 0;
        long t = System.nanoTime();
        JsonNode answer = send(authorized(base + "/1/events.json?batch_size=" + PAGE)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(QUERY)));
        latencies.record(System.nanoTime() - t);
        long pages = (events + PAGE - 1) / PAGE;
        long read = 0;
        long[] samples = {-1, -1, -1};
        String cursor = answer.get("cursor").asText();
        for (long page = 0; cursor != null; page++) {
            t = System.nanoTime();
            PageRead got = readPage(base + "/1/events.json?cursor=" + cursor);
            latencies.record(System.nanoTime() - t);
            read += got.records();
            cursor = got.nextCursor();
            if (page == 0 || page == pages / 2 || cursor == null) {
                long p = System.nanoTime();
                samples[page == 0 ? 0 : cursor == null ? 2 : 1] = server.heapLiveMb();
                paused += System.nanoTime() - p;
            }
        }
        requireAll(read);
        heap.add(new Heap(samples[0], samples[1], samples[2]));
        return result("export events (batch_size 5000)", "http", latencies, read, start + paused,
                samples[2], server.rssMb());
    }

    /** Counts of events and of profiles over the month, alternately, for one run's time. */
    BenchResult counts(BenchServer server) throws IOException, InterruptedException {
        String base = server.baseUrl();
        LatencyRecorder latencies = new LatencyRecorder();
        long start = System.nanoTime();
        long deadline = start + perRun.toNanos();
        for (int i = 0; System.nanoTime() < deadline; i++) {
            long t = System.nanoTime();
            JsonNode answer = send(authorized(base + (i % 2 == 0 ? "/1/counts/events.json" : "/1/counts/profiles.json"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(QUERY)));
            latencies.record(System.nanoTime() - t);
            if (i % 2 == 0 && answer.get("count").asLong() != events) {
                throw new IllegalStateException("counted " + answer + " of " + events + " events");
            }
        }
        return result("counts: events, profiles (alternately)", "http", latencies, latencies.count(), start,
                server.heapUsedMb(), server.rssMb());
    }

    /** What a streaming client takes from a page: how many records went by, and the next cursor. */
    private record PageRead(long records, @Nullable String nextCursor) {
    }

    /**
     * Reads a page as a streaming client does (Jackson's parser, not a tree): every record is parsed, counted and
     * let go, and the next cursor is picked up.
     */
    private PageRead readPage(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setRequestProperty("X-CleverTap-Account-Id", account.id());
        connection.setRequestProperty("X-CleverTap-Passcode", passcode);
        if (connection.getResponseCode() != 200) {
            try (InputStream error = connection.getErrorStream()) {
                throw new IllegalStateException("HTTP " + connection.getResponseCode() + " "
                        + new String(error.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        try (InputStream body = connection.getInputStream(); JsonParser json = JSON.getFactory().createParser(body)) {
            long records = 0;
            String next = null;
            json.nextToken();
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                json.nextToken();
                if (field.equals("records")) {
                    while (json.nextToken() == JsonToken.START_OBJECT) {
                        json.skipChildren();
                        records++;
                    }
                } else if (field.equals("next_cursor")) {
                    next = json.getText();
                } else {
                    json.skipChildren();
                }
            }
            return new PageRead(records, next);
        }
    }

    private void requireAll(long read) {
        if (read != events) {
            throw new IllegalStateException("the export returned " + read + " of " + events + " events");
        }
    }

    private BenchResult result(String name, String path, LatencyRecorder latencies, long records, long start,
                               long heapMb, long rssMb) {
        double seconds = (System.nanoTime() - start) / 1e9;
        Runtime runtime = Runtime.getRuntime();
        long heap = heapMb >= 0 ? heapMb : (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024);
        long rss = rssMb >= 0 ? rssMb : BenchServer.Memory.rssMb(ProcessHandle.current().pid());
        return new BenchResult(name, path, 1, latencies.count(), records, seconds, latencies.percentileMillis(50),
                latencies.percentileMillis(95), latencies.percentileMillis(99), heap, rss);
    }

    private HttpRequest.Builder authorized(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("X-CleverTap-Account-Id", account.id())
                .header("X-CleverTap-Passcode", passcode);
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode() + " "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        return JSON.readTree(response.body());
    }
}
