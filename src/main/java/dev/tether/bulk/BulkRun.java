package dev.tether.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One bulk run over a file: lines read in order, each checked, the valid ones sent in batches, every line not
 * processed written to the report with its code and error, and the state saved after each answered batch (see
 * {@link RunState}). A run whose state file says it stopped goes on after the last batch answered, with the same
 * keys; one whose file, job, options, server, account or batching changed is refused rather than mixed, and so is
 * a second run of the same state file while one is going.
 */
public final class BulkRun {
    /** Report columns: the line, the value as the file has it, the code, the error. */
    static final List<String> REPORT_HEADER = List.of("line", "value", "code", "error");
    /** How long a server keeps an Idempotency-Key (API.md): a batch in doubt older than this may apply again. */
    static final Duration KEYS_KEPT = Duration.ofHours(24);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RECORD_NUMBER = Pattern.compile("\\. Skipped record number : (\\d+)$");

    /** Where the run's files are and how it sends. */
    public record Setup(String url, String account, int column, int batchSize, Path state, Path report,
                        Optional<Path> results, boolean restart) {
    }

    /**
     * What a run did: the file's numbers (its lines but a header and blank ones), those processed and those not; the
     * lines skipped; or that it was done already.
     */
    public record Summary(long numbers, long processed, long unprocessed, boolean header, long blankLines,
                          boolean alreadyFinished) {
        /** {@code "2002 numbers, 1600 processed, 402 not processed; skipped: a header line"}. */
        public String describe() {
            List<String> skipped = new ArrayList<>();
            if (header) {
                skipped.add("a header line");
            }
            if (blankLines > 0) {
                skipped.add(blankLines + (blankLines == 1 ? " blank line" : " blank lines"));
            }
            return numbers + " numbers, " + processed + " processed, " + unprocessed + " not processed"
                    + (skipped.isEmpty() ? "" : "; skipped: " + String.join(", ", skipped));
        }
    }

    /** Opens the progress display once the run knows how many lines there are and where it starts. */
    @FunctionalInterface
    public interface ProgressFactory {
        Progress open(long totalLines, long linesDone);
    }

    /** The lines of the batch being gathered: the records to send, where each came from, the local refusals. */
    private static final class Batch {
        final List<ObjectNode> records = new ArrayList<>();
        final List<NumberFile.Line> sent = new ArrayList<>();
        long refused;
        long lastLine;

        Batch(long after) {
            this.lastLine = after;
        }

        boolean isEmpty() {
            return records.isEmpty() && refused == 0;
        }
    }

    private final BulkJob job;
    private final NumberFile file;
    private final BulkClient client;
    private final Setup setup;
    private final Object saves = new Object();
    private boolean stopped;

    public BulkRun(BulkJob job, NumberFile file, BulkClient client, Setup setup) {
        this.job = job;
        this.file = file;
        this.client = client;
        this.setup = setup;
    }

    /**
     * Runs to the end of the file; progress is told to {@code progress} after each batch, and where a resumed run
     * goes on from (and any warning) to {@code notice}.
     */
    public Summary run(ProgressFactory progress, Consumer<String> notice) throws BulkStopped {
        Path lockPath = lockPath();
        String token = UUID.randomUUID().toString();
        while (true) {
            try (FileChannel lockFile = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = lockFile.tryLock()) {
                if (lock == null) {
                    throw new IllegalArgumentException("another run of this file is going (it holds " + lockPath
                            + "); wait for it, or give this one its own --state");
                }
                if (!holds(lockFile, lockPath, token)) {
                    continue; // the run that held it ended and removed the file as this one opened it: open anew
                }
                try {
                    return runLocked(progress, notice);
                } finally {
                    // removed while still held, so that a run that opened it meanwhile finds it gone (holds)
                    Files.deleteIfExists(lockPath);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + lockPath + ": " + e.getMessage(), e);
            }
        }
    }

    /** Whether the locked file is still the one at the path: this run's token written into it reads back there. */
    private static boolean holds(FileChannel lockFile, Path lockPath, String token) throws IOException {
        lockFile.truncate(0);
        lockFile.write(ByteBuffer.wrap(token.getBytes(StandardCharsets.US_ASCII)), 0);
        try {
            return Files.readString(lockPath, StandardCharsets.US_ASCII).equals(token);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /**
     * Stops the run where the state file stands now (a signal is stopping the JVM): a batch answered from here on is
     * not counted done, so what this returns, where the run stands in words, is where the next run goes on.
     */
    public String stop() {
        synchronized (saves) {
            stopped = true;
            try {
                // the JVM stops once its hooks are done, before the run's own finally could remove it; a run started
                // now finds this one saving nothing more
                Files.deleteIfExists(lockPath());
            } catch (IOException e) {
                // left behind: the next run takes it over
            }
            return RunState.describe(setup.state());
        }
    }

    private Path lockPath() {
        return setup.state().resolveSibling(setup.state().getFileName() + ".lock");
    }

    /** Whether {@link #stop()} stopped the run. */
    public boolean stopped() {
        synchronized (saves) {
            return stopped;
        }
    }

    private void save(RunState state) throws BulkStopped {
        synchronized (saves) {
            if (stopped) {
                throw new BulkStopped("stopped", 130);
            }
            state.save(setup.state());
        }
    }

    private Summary runLocked(ProgressFactory progress, Consumer<String> notice) throws BulkStopped {
        NumberFile.Fingerprint fingerprint = file.fingerprint();
        RunState.Run run = new RunState.Run(job.name(), job.settings(), setup.url(), setup.account(), setup.column(),
                setup.batchSize(), fingerprint, UUID.randomUUID().toString());
        Optional<RunState> saved = setup.restart() ? Optional.empty() : RunState.load(setup.state());
        if (saved.isPresent()) {
            List<String> differences = saved.get().run().differencesFrom(run);
            if (!differences.isEmpty()) {
                throw new IllegalArgumentException("the state file " + setup.state() + " is of another run ("
                        + String.join("; ", differences) + "): run with --restart to start over, or give --state");
            }
            if (saved.get().done().finished()) {
                RunState.Done done = saved.get().done();
                try (NumberFile.Lines skipped = file.linesAfter(Long.MAX_VALUE)) {
                    return new Summary(done.processed() + done.unprocessed(), done.processed(), done.unprocessed(),
                            skipped.header(), skipped.blankLines(), true);
                }
            }
            resuming(saved.get(), notice);
        }
        Optional<Path> resultsPath = job.resultsHeader().isPresent() ? setup.results() : Optional.empty();
        RunState.Done from = saved.map(RunState::done).orElse(RunState.Done.nothing(0, 0));
        try (CsvOutput report = CsvOutput.open(Optional.of(setup.report()), from.reportBytes(), REPORT_HEADER);
             CsvOutput results = CsvOutput.open(resultsPath, from.resultsBytes(),
                     job.resultsHeader().orElse(List.of()));
             NumberFile.Lines lines = file.linesAfter(from.linesDone());
             Progress bar = progress.open(fingerprint.lines(), from.linesDone())) {
            RunState state = saved.orElseGet(() -> new RunState(RunState.VERSION, run,
                    RunState.Done.nothing(report.durable(), results.durable())));
            save(state);
            Batch batch = new Batch(from.linesDone());
            while (lines.hasNext()) {
                NumberFile.Line line = lines.next();
                batch.lastLine = line.number();
                BulkJob.Checked checked = job.check(line);
                if (checked.record().isPresent()) {
                    batch.records.add(checked.record().get());
                    batch.sent.add(line);
                } else {
                    BulkJob.Refusal refusal = checked.refusal().orElseThrow();
                    report.row(line.number(), line.value(), refusal.code(), refusal.error());
                    batch.refused++;
                }
                if (batch.records.size() == setup.batchSize()) {
                    state = send(state, batch, report, results);
                    bar.at(batch.lastLine);
                    batch = new Batch(batch.lastLine);
                }
            }
            if (!batch.isEmpty()) {
                state = send(state, batch, report, results);
            }
            bar.at(fingerprint.lines());
            state = state.with(state.done().finish());
            save(state);
            RunState.Done done = state.done();
            return new Summary(done.processed() + done.unprocessed(), done.processed(), done.unprocessed(),
                    lines.header(), lines.blankLines(), false);
        }
    }

    /** Says where a stopped run goes on from; a batch in doubt whose key the server may have forgotten is warned of. */
    private void resuming(RunState saved, Consumer<String> notice) {
        RunState.Done done = saved.done();
        notice.accept("going on after line " + done.linesDone() + " of " + saved.run().file().lines() + " ("
                + done.batchesDone() + " batches answered before; state file " + setup.state() + ")");
        if (System.currentTimeMillis() - done.savedAt() > KEYS_KEPT.toMillis()) {
            notice.accept("the run stopped more than 24 hours ago: a server keeps Idempotency-Keys 24 hours, so if "
                    + "it applied the batch in flight then, its numbers are reported as not associated (543)");
        }
        requireLength(setup.report(), done.reportBytes());
        if (setup.results().isPresent() && job.resultsHeader().isPresent()) {
            requireLength(setup.results().get(), done.resultsBytes());
        }
    }

    /** A resumed run appends to its report: one shorter than the state says is another file, or a damaged one. */
    private static void requireLength(Path path, long length) {
        try {
            long size = Files.exists(path) ? Files.size(path) : -1;
            if (size < length) {
                throw new IllegalArgumentException(path + (size < 0 ? " is missing" : " is shorter than the run left it")
                        + ": give the run's own file, or --restart");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends one batch (nothing when all its lines failed the local checks), writes what was not processed and the
     * results, makes them durable, then saves the state that counts the batch done.
     */
    private RunState send(RunState state, Batch batch, CsvOutput report, CsvOutput results) throws BulkStopped {
        long processed = 0;
        long unprocessed = batch.refused;
        if (!batch.records.isEmpty()) {
            JsonNode answer = client.post(job.path(), body(batch.records),
                    job.writes() ? Optional.of(state.nextKey()) : Optional.empty());
            JsonNode failures = answer.path("unprocessed");
            processed = answer.path("processed").asLong(-1);
            if (processed < 0 || !failures.isArray() || processed + failures.size() != batch.records.size()) {
                throw new BulkStopped("the server's answer does not account for each of the batch's "
                        + batch.records.size() + " records: " + abbreviate(answer.toString()), 1);
            }
            for (JsonNode failure : failures) {
                reportFailure(failure, batch.sent, report);
            }
            unprocessed += failures.size();
            results.write(out -> job.results(answer, out));
        }
        RunState next = state.with(state.done().after(batch.lastLine, processed, unprocessed, report.durable(),
                results.durable()));
        save(next);
        return next;
    }

    private static byte[] body(List<ObjectNode> records) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode d = body.putArray("d");
        records.forEach(d::add);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A record the server did not process, on its line: found by the record number its error names. */
    private static void reportFailure(JsonNode failure, List<NumberFile.Line> sent, CsvOutput report) {
        String error = failure.path("error").asText();
        Optional<NumberFile.Line> line = Optional.empty();
        Matcher number = RECORD_NUMBER.matcher(error);
        if (number.find()) {
            int index = Integer.parseInt(number.group(1)) - 1;
            if (index >= 0 && index < sent.size()) {
                line = Optional.of(sent.get(index));
            }
            error = error.substring(0, number.start());
        }
        report.row(line.map(NumberFile.Line::number).orElse(0L),
                line.map(NumberFile.Line::value).orElse(failure.path("record").toString()),
                failure.path("code").asInt(), error);
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
