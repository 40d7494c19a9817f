package dev.tether.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.commons.csv.CSVPrinter;

/** What a bulk run sends: the endpoint, the record for each line, and what it keeps of each answer. */
public interface BulkJob {
    /** A line's record to send, or why it is not sent (the code and error the server would give). */
    record Checked(Optional<ObjectNode> record, int code, String error) {
        static Checked send(ObjectNode record) {
            return new Checked(Optional.of(record), 0, "");
        }

        static Checked refuse(int code, String error) {
            return new Checked(Optional.empty(), code, error);
        }
    }

    /** The name the state file and the messages use: {@code disassociate}, {@code disassociate --dry-run}. */
    String name();

    /** The path and query the batches go to. */
    String path();

    /** Whether each batch carries an Idempotency-Key (writes do; a read does not need one). */
    boolean writes();

    Checked check(NumberFile.Line line);

    /** The header of the results file, or none when the job keeps no results. */
    Optional<List<String>> resultsHeader();

    /** Writes what a batch's answer says of its processed records to the results file. */
    default void results(JsonNode answer, CSVPrinter out) throws IOException {
    }
}
