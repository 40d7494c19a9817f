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
 * The export and count workloads over the month of events {@link Benchmark.EventLoad} loaded: one client pages
 * through the month's {@code Charged} events (an amount, a currency, an Items array) with
 * batch_size 5000, once in-process (the same cursors, unit of work and store reads as the route, each row read into
 * an event and let go, without HTTP and JSON) and once through HTTP, parsing each page as a streaming client does (every record parsed and let go, the
 * next cursor picked up). The server's heap is
 * taken after a full collection at the first, middle and last page: an export must not hold on to what it sent.
 */
final class ExportBench {
    static final int PAGE = Exports.MAX_BATCH_SIZE;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUERY = "{\"event_name\":\"Charged\",\"from\":20261101,\"to\":20261130}";

    private final Account account;
    private final String passcode;
    /** The loaded month's Charged events: what the export must return and the count must answer. */
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

    ExportBench(Store store, Account account, String passcode, long loaded, Duration perRun, PrintStream log) {
        this.account = account;
        this.passcode = passcode;
        this.events = Dataset.named(Dataset.CHARGED, loaded);
        this.perRun = perRun;
        this.log = log;
        this.transactions = new Transactions(store, clock);
        this.exports = new Exports(new CursorCodec(new AccountService(store, clock).sharedKey(CursorCodec.KEY_NAME),
                clock));
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
            boolean[] sampled = {page == 0, page == pages / 2, cursor == null};
            if (sampled[0] || sampled[1] || sampled[2]) {
                long p = System.nanoTime();
                long mb = server.heapLiveMb();
                for (int k = 0; k < samples.length; k++) {
                    samples[k] = sampled[k] ? mb : samples[k];
                }
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
