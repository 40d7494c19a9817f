package dev.tether.bulk;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.identity.PhoneNumbers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Each number of the file disassociated ({@code POST /1/disassociate}), or previewed with {@code dryRun}; with a
 * day of disconnection ({@code --disconnected-on}, or each line's own with {@code --date-column}) only from a holder
 * who had it by then, the server refusing the others with 552 (API.md section 5).
 */
public final class DisassociateJob implements BulkJob {
    private final LocalNumbers numbers;
    private final boolean dryRun;
    private final Optional<String> disconnectedOn;
    private final Optional<Integer> dateColumn;

    public DisassociateJob(Optional<String> defaultCountry, boolean dryRun) {
        this(defaultCountry, dryRun, Optional.empty(), Optional.empty());
    }

    /**
     * @param disconnectedOn the day every number was disconnected; none when each line has its own, or none is known
     * @param dateColumn     the column of each line's own day of disconnection, when it has one
     */
    public DisassociateJob(Optional<String> defaultCountry, boolean dryRun, Optional<String> disconnectedOn,
                           Optional<Integer> dateColumn) {
        this.numbers = new LocalNumbers(defaultCountry);
        this.dryRun = dryRun;
        this.disconnectedOn = disconnectedOn;
        this.dateColumn = dateColumn;
    }

    @Override
    public String name() {
        return dryRun ? "disassociate --dry-run" : "disassociate";
    }

    @Override
    public String path() {
        return dryRun ? "/1/disassociate?dryRun=1" : "/1/disassociate";
    }

    @Override
    public String settings() {
        List<String> settings = new ArrayList<>();
        if (!numbers.settings().isEmpty()) {
            settings.add(numbers.settings());
        }
        disconnectedOn.map(day -> "--disconnected-on " + day).or(() -> dateColumn.map(c -> "--date-column " + c))
                .ifPresent(settings::add);
        return String.join(" ", settings);
    }

    @Override
    public boolean writes() {
        return !dryRun;
    }

    /** The line's record; a day of disconnection as the file has it (an empty cell too: the server answers 545). */
    @Override
    public Checked check(NumberFile.Line line) {
        Optional<String> day = disconnectedOn.or(() -> dateColumn.map(c -> line.date().orElse("")));
        return numbers.normalize(line.value())
                .map(phone -> {
                    ObjectNode record = JsonNodeFactory.instance.objectNode().put("type", "phone").put("value", phone);
                    day.ifPresent(d -> record.put("disconnectedOn", d));
                    return Checked.send(record);
                })
                .orElseGet(() -> Checked.refuse(PhoneNumbers.INVALID_CODE, PhoneNumbers.INVALID));
    }

    @Override
    public Optional<List<String>> resultsHeader() {
        return Optional.empty();
    }
}
