package dev.tether.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tether.identity.PhoneNumbers;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.commons.csv.CSVPrinter;

/**
 * Each number of the file checked with {@code POST /1/identity/reassigned.json}: has it changed hands since the
 * date ({@code --date}, or the file's own date column)? The answers go to the results file as
 * {@code phone,date,reassigned} rows, in the file's order. A read: its batches carry no Idempotency-Key.
 */
public final class ReassignedJob implements BulkJob {
    private final LocalNumbers numbers;
    private final Optional<String> date;
    private final Optional<Integer> dateColumn;

    /**
     * @param date       the date every number is asked about; none when each line has its own
     * @param dateColumn the column of each line's own date, when it has one
     */
    public ReassignedJob(Optional<String> defaultCountry, Optional<String> date, Optional<Integer> dateColumn) {
        this.numbers = new LocalNumbers(defaultCountry);
        this.date = date;
        this.dateColumn = dateColumn;
    }

    @Override
    public String name() {
        return "reassigned";
    }

    @Override
    public String path() {
        return "/1/identity/reassigned.json";
    }

    @Override
    public String settings() {
        String asked = date.map(d -> "--date " + d).orElseGet(() -> "--date-column " + dateColumn.orElse(0));
        return numbers.settings().isEmpty() ? asked : numbers.settings() + " " + asked;
    }

    @Override
    public boolean writes() {
        return false;
    }

    @Override
    public Checked check(NumberFile.Line line) {
        String asked = date.orElseGet(() -> line.date().orElse(""));
        return numbers.normalize(line.value())
                .map(phone -> Checked.send(JsonNodeFactory.instance.objectNode().put("phone", phone)
                        .put("date", asked)))
                .orElseGet(() -> Checked.refuse(PhoneNumbers.INVALID_CODE, PhoneNumbers.INVALID));
    }

    @Override
    public Optional<List<String>> resultsHeader() {
        return Optional.of(List.of("phone", "date", "reassigned"));
    }

    @Override
    public void results(JsonNode answer, CSVPrinter out) throws IOException {
        for (JsonNode result : answer.path("results")) {
            out.printRecord(result.path("phone").asText(), result.path("date").asText(),
                    result.path("reassigned").asText());
        }
    }
}
