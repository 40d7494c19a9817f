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
import java.util.Optional;

/**
 * Where a bulk run stands, saved after every batch the server answered, so that a run stopped any way (Ctrl-C,
 * kill, a lost network) goes on where it stopped. The batch after {@code linesDone} is sent again under the same
 * Idempotency-Key ({@code runId} and its number): a server that applied it before its answer was lost answers it
 * again without applying it twice. Written to a temporary file, synced and renamed over the old one, so a crash
 * leaves the old state or the new, never half of one.
 *
 * @param job          what the run does ({@code disassociate}, {@code disassociate --dry-run}, {@code reassigned})
 * @param file         the input file's fingerprint: a changed file is not resumed
 * @param linesDone    the last line of the last batch answered
 * @param batchesDone  how many batches were answered; the next one's key ends with this number
 * @param reportBytes  the report's length after the last batch answered: what a resumed run cuts it back to
 * @param resultsBytes the same for the results file (reassigned), 0 where there is none
 */
public record RunState(int version, String job, String url, String account, int column, int batchSize,
                       NumberFile.Fingerprint file, String runId, long linesDone, long batchesDone, long processed,
                       long unprocessed, long reportBytes, long resultsBytes, boolean finished) {
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** The state after one more batch. */
    RunState after(long lastLine, long processedNow, long unprocessedNow, long report, long results) {
        return new RunState(version, job, url, account, column, batchSize, file, runId, lastLine, batchesDone + 1,
                processed + processedNow, unprocessed + unprocessedNow, report, results, false);
    }

    /** A new run's state with its outputs' lengths once their headers are written. */
    RunState withOutputs(long report, long results) {
        return new RunState(version, job, url, account, column, batchSize, file, runId, linesDone, batchesDone,
                processed, unprocessed, report, results, finished);
    }

    RunState done() {
        return new RunState(version, job, url, account, column, batchSize, file, runId, linesDone, batchesDone,
                processed, unprocessed, reportBytes, resultsBytes, true);
    }

    /** Where the run a state file belongs to stands, in words, for the message of a run that stopped. */
    public static String describe(Path path) {
        try {
            return load(path).map(state -> state.finished() ? "the run is done"
                    : "the last batch answered ended at line " + state.linesDone() + " of " + state.file().lines()
                    + " (" + path + ")").orElse("nothing was answered yet");
        } catch (IllegalArgumentException e) {
            return String.valueOf(e.getMessage());
        }
    }

    /** The Idempotency-Key of the next batch. */
    String nextKey() {
        return "tether-bulk-" + runId + "-" + batchesDone;
    }
}
