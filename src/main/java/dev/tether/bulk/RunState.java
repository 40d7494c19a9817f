package dev.tether.bulk;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a bulk run stands, saved after every batch the server answered, so that a run stopped any way (Ctrl-C,
 * kill, a lost network) goes on where it stopped. The batch after {@code done.linesDone} is sent again under the
 * same Idempotency-Key ({@code run.runId} and its number): a server that applied it before its answer was lost
 * answers it again without applying it twice. Written to a temporary file, synced and renamed over the old one, so
 * a crash leaves the old state or the new, never half of one.
 */
public record RunState(int version, Run run, Done done) {
    static final int VERSION = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What makes the batches what they are: a run resumed with any of these changed would send other bodies under
     * the same keys, so it is refused.
     *
     * @param job      what the run does ({@code disassociate}, {@code disassociate --dry-run}, {@code reassigned})
     * @param settings the job's options that shape its records (the default country, the date)
     * @param file     the input file's fingerprint
     * @param runId    the first part of every key of this run
     */
    public record Run(String job, String settings, String url, String account, int column, int batchSize,
                      NumberFile.Fingerprint file, String runId) {
        /** How this run differs from another, in words; empty when it is the same run. */
        List<String> differencesFrom(Run other) {
            List<String> differences = new ArrayList<>();
            if (!job.equals(other.job)) {
                differences.add("it was a run of '" + job + "'");
            }
            if (!settings.equals(other.settings)) {
                differences.add("it ran with " + (settings.isEmpty() ? "no options" : settings));
            }
            if (!file.equals(other.file)) {
                differences.add("the file changed since");
            }
            if (!url.equals(other.url) || !account.equals(other.account)) {
                differences.add("it went to " + url + " for account " + account);
            }
            if (column != other.column || batchSize != other.batchSize) {
                differences.add("it read column " + column + " in batches of " + batchSize);
            }
            return differences;
        }
    }

    /**
     * How far it got.
     *
     * @param linesDone    the last line of the last batch answered
     * @param batchesDone  how many batches were answered; the next one's key ends with this number
     * @param reportBytes  the report's length after the last batch answered: what a resumed run cuts it back to
     * @param resultsBytes the same for the results file (reassigned), 0 where there is none
     * @param savedAt      when this was saved, epoch milliseconds
     */
    public record Done(long linesDone, long batchesDone, long processed, long unprocessed, long reportBytes,
                       long resultsBytes, long savedAt, boolean finished) {
        static Done nothing(long reportBytes, long resultsBytes) {
            return new Done(0, 0, 0, 0, reportBytes, resultsBytes, System.currentTimeMillis(), false);
        }

        /** After one more batch. */
        Done after(long lastLine, long processedNow, long unprocessedNow, long report, long results) {
            return new Done(lastLine, batchesDone + 1, processed + processedNow, unprocessed + unprocessedNow,
                    report, results, System.currentTimeMillis(), false);
        }

        Done finish() {
            return new Done(linesDone, batchesDone, processed, unprocessed, reportBytes, resultsBytes,
                    System.currentTimeMillis(), true);
        }
    }

    static Optional<RunState> load(Path path) {
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        try {
            RunState state = JSON.readValue(path.toFile(), RunState.class);
            if (state.version() != VERSION) {
                throw new IllegalArgumentException("state file " + path + " is of another version ("
                        + state.version() + "); remove it or run with --restart");
            }
            return Optional.of(state);
        } catch (IOException e) {
            throw new IllegalArgumentException("state file " + path + " cannot be read (" + e.getMessage()
                    + "); remove it or run with --restart", e);
        }
    }

    void save(Path path) {
        Path temporary = path.resolveSibling(path.getFileName() + ".tmp");
        try {
            Files.write(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the state file " + path + ": " + e.getMessage(), e);
        }
    }

    RunState with(Done next) {
        return new RunState(version, run, next);
    }

    /** Where the run a state file belongs to stands, in words, for the message of a run that stopped. */
    public static String describe(Path path) {
        try {
            return load(path).map(state -> state.done().finished() ? "the run is done"
                    : "the last batch answered ended at line " + state.done().linesDone() + " of "
                    + state.run().file().lines() + " (" + path + ")").orElse("nothing was answered yet");
        } catch (IllegalArgumentException e) {
            return String.valueOf(e.getMessage());
        }
    }

    /** The Idempotency-Key of the next batch. */
    String nextKey() {
        return "tether-bulk-" + run.runId() + "-" + done.batchesDone();
    }
}
