package dev.tether.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.commons.csv.CSVPrinter;

/** What a bulk run sends: the endpoint, the record for each line, and what it keeps of each answer. */
public interface BulkJob {
    /** Why a line is not sent: the code and error the server would give. */
    record Refusal(int code, String error) {
    }

    /** A line's record to send, or why it is not sent. */
    record Checked(Optional<ObjectNode> record, Optional<Refusal> refusal) {
        static Checked send(ObjectNode record) {
            return new Checked(Optional.of(record), Optional.empty());
        }

        static Checked refuse(int code, String error) {
            return new Checked(Optional.empty(), Optional.of(new Refusal(code, error)));
        }
    }

    /** The name the state file and the messages use: {@code disassociate}, {@code disassociate --dry-run}. */
    String name();

    /** The path and query the batches go to. */
    String path();

    /**
     * The options that shape the records (the default country, the date), in words: a run resumed with other
     * settings would send other records, so its state file is refused. Empty when there are none.
     */
    String settings();

    /** Whether each batch carries an Idempotency-Key (writes do; a read does not need one). */
    boolean writes();

    Checked check(NumberFile.Line line);

    /** The header of the results file, or none when the job keeps no results. */
    Optional<List<String>> resultsHeader();

    /** Writes what a batch's answer says of its processed records to the results file. */
    default void results(JsonNode answer, CSVPrinter out) throws IOException {
    }
}
