package dev.tether.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.jspecify.annotations.Nullable;

/**
 * One bulk run over a file: lines read in order, each checked, the valid ones sent in batches, every line not
 * processed written to the report with its code and error, and the state saved after each answered batch (see
 * {@link RunState}). A run whose state file says it stopped goes on after the last batch answered, with the same
 * keys; one whose file, job, server, account or batching changed is refused rather than mixed.
 */
public final class BulkRun {
    /** Report columns: the line, the value as the file has it, the code, the error. */
    static final List<String> REPORT_HEADER = List.of("line", "value", "code", "error");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RECORD_NUMBER = Pattern.compile("\\. Skipped record number : (\\d+)$");

    /** Where the run's files are and how it sends. */
    public record Setup(String url, String account, int column, int batchSize, Path state, Path report,
                        Optional<Path> results, boolean restart) {
    }

    /** What a run did: lines read in all, records processed, lines not processed, and where it resumed. */
    public record Summary(long lines, long processed, long unprocessed, long resumedAfterLine,
                          boolean alreadyFinished) {
    }

    /** A line checked and sent in the current batch: where it is in the file and what the file says. */
    private record Sent(long line, String value) {
    }

    private final BulkJob job;
    private final NumberFile file;
    private final BulkClient client;
    private final Setup setup;

    public BulkRun(BulkJob job, NumberFile file, BulkClient client, Setup setup) {
        this.job = job;
        this.file = file;
        this.client = client;
        this.setup = setup;
    }

    /** Runs to the end of the file; progress is told to {@code progress} after each batch. */
    public Summary run(ProgressFactory progress) throws BulkStopped {
        NumberFile.Fingerprint fingerprint = file.fingerprint();
        Optional<RunState> saved = setup.restart() ? Optional.empty() : RunState.load(setup.state());
        RunState state;
        if (saved.isPresent()) {
            state = saved.get();
            refuseIfAnotherRun(state, fingerprint);
            if (state.finished()) {
                return new Summary(fingerprint.lines(), state.processed(), state.unprocessed(), state.linesDone(),
                        true);
            }
        } else {
            state = new RunState(RunState.VERSION, job.name(), setup.url(), setup.account(), setup.column(),
                    setup.batchSize(), fingerprint, UUID.randomUUID().toString(), 0, 0, 0, 0, 0, 0, false);
        }
        long resumedAfter = state.linesDone();
        Optional<Path> resultsPath = job.resultsHeader().isPresent() ? setup.results() : Optional.empty();
        try (Output report = new Output(setup.report(), state.reportBytes(), REPORT_HEADER);
             Output results = resultsPath.isPresent()
                     ? new Output(resultsPath.get(), state.resultsBytes(), job.resultsHeader().orElseThrow())
                     : new Output(null, 0, List.of());
             NumberFile.Lines lines = file.linesAfter(state.linesDone());
             Progress bar = progress.open(fingerprint.lines(), state.linesDone())) {
            if (saved.isEmpty()) {
                state = state.withOutputs(report.durable(), results.durable());
                state.save(setup.state());
            }
            List<ObjectNode> records = new ArrayList<>();
            List<Sent> sent = new ArrayList<>();
            long unprocessedNow = 0;
            long lastLine = state.linesDone();
            while (lines.hasNext()) {
                NumberFile.Line line = lines.next();
                lastLine = line.number();
                BulkJob.Checked checked = job.check(line);
                if (checked.record().isPresent()) {
                    records.add(checked.record().get());
                    sent.add(new Sent(line.number(), line.value()));
                } else {
                    report.row(line.number(), line.value(), checked.code(), checked.error());
                    unprocessedNow++;
                }
                if (records.size() == setup.batchSize()) {
                    state = send(state, records, sent, unprocessedNow, lastLine, report, results);
                    bar.at(lastLine);
                    records.clear();
                    sent.clear();
                    unprocessedNow = 0;
                }
            }
            if (!records.isEmpty() || unprocessedNow > 0) {
                state = send(state, records, sent, unprocessedNow, lastLine, report, results);
            }
            bar.at(fingerprint.lines());
            state = state.done();
            state.save(setup.state());
            return new Summary(fingerprint.lines(), state.processed(), state.unprocessed(), resumedAfter, false);
        }
    }

    private void refuseIfAnotherRun(RunState state, NumberFile.Fingerprint fingerprint) {
        List<String> differences = new ArrayList<>();
        if (!state.job().equals(job.name())) {
            differences.add("it was a run of '" + state.job() + "'");
        }
        if (!state.file().equals(fingerprint)) {
            differences.add("the file changed since");
        }
        if (!state.url().equals(setup.url()) || !state.account().equals(setup.account())) {
            differences.add("it went to " + state.url() + " for account " + state.account());
        }
        if (state.column() != setup.column() || state.batchSize() != setup.batchSize()) {
            differences.add("it read column " + state.column() + " in batches of " + state.batchSize());
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("the state file " + setup.state() + " is of another run ("
                    + String.join("; ", differences) + "): run with --restart to start over, or give --state");
        }
    }

    /**
     * Sends one batch (none when all its lines failed the local checks), writes what was not processed and the
     * results, makes them durable, then saves the state that counts the batch done.
     */
    private RunState send(RunState state, List<ObjectNode> records, List<Sent> sent, long unprocessedLocally,
                          long lastLine, Output report, Output results) throws BulkStopped {
        long processed = 0;
        long unprocessed = unprocessedLocally;
        if (!records.isEmpty()) {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode d = body.putArray("d");
            records.forEach(d::add);
            byte[] bytes;
            try {
                bytes = JSON.writeValueAsBytes(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            JsonNode answer = client.post(job.path(), bytes,
                    job.writes() ? Optional.of(state.nextKey()) : Optional.empty());
            processed = answer.path("processed").asLong();
            for (JsonNode failure : answer.path("unprocessed")) {
                String error = failure.path("error").asText();
                Matcher number = RECORD_NUMBER.matcher(error);
                Optional<Sent> line = Optional.empty();
                if (number.find()) {
                    int index = Integer.parseInt(number.group(1)) - 1;
                    if (index >= 0 && index < sent.size()) {
                        line = Optional.of(sent.get(index));
                    }
                    error = error.substring(0, number.start());
                }
                report.row(line.map(Sent::line).orElse(0L), line.map(Sent::value)
                        .orElse(failure.path("record").toString()), failure.path("code").asInt(), error);
                unprocessed++;
            }
            results.write(out -> job.results(answer, out));
        }
        long reportBytes = report.durable();
        long resultsBytes = results.durable();
        RunState next = state.after(lastLine, processed, unprocessed, reportBytes, resultsBytes);
        next.save(setup.state());
        return next;
    }

    /** Opens the progress display once the run knows how many lines there are and where it starts. */
    @FunctionalInterface
    public interface ProgressFactory {
        Progress open(long totalLines, long linesDone);
    }

    /**
     * A CSV file the run appends to, cut back to the length the state saved when resuming; with no path, one that
     * keeps nothing (a job without results).
     */
    private static final class Output implements AutoCloseable {
        private final @Nullable FileChannel channel;
        private final @Nullable CSVPrinter printer;

        Output(@Nullable Path path, long keep, List<String> header) {
            if (path == null) {
                this.channel = null;
                this.printer = null;
                return;
            }
            try {
                FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                file.truncate(keep);
                file.position(keep);
                CSVPrinter csv = new CSVPrinter(new BufferedWriter(new OutputStreamWriter(
                        Channels.newOutputStream(file), StandardCharsets.UTF_8)),
                        CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get());
                if (keep == 0) {
                    csv.printRecord(header);
                }
                this.channel = file;
                this.printer = csv;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
            }
        }

        interface Rows {
            void write(CSVPrinter out) throws IOException;
        }

        void write(Rows rows) {
            if (printer == null) {
                return;
            }
            try {
                rows.write(printer);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void row(long line, String value, int code, String error) {
            write(out -> out.printRecord(line == 0 ? "" : Long.toString(line), value, code, error));
        }

        /** Flushes what was written to the disk and answers the file's length. */
        long durable() {
            if (printer == null || channel == null) {
                return 0;
            }
            try {
                printer.flush();
                channel.force(false);
                return channel.size();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            if (printer == null) {
                return;
            }
            try {
                printer.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
