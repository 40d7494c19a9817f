package dev.tether.bulk;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tether.identity.PhoneNumbers;
import java.util.List;
import java.util.Optional;

/** Each number of the file disassociated ({@code POST /1/disassociate}), or previewed with {@code dryRun}. */
public final class DisassociateJob implements BulkJob {
    private final LocalNumbers numbers;
    private final boolean dryRun;

    public DisassociateJob(Optional<String> defaultCountry, boolean dryRun) {
        this.numbers = new LocalNumbers(defaultCountry);
        this.dryRun = dryRun;
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
        return numbers.settings();
    }

    @Override
    public boolean writes() {
        return !dryRun;
    }

    @Override
    public Checked check(NumberFile.Line line) {
        return numbers.normalize(line.value())
                .map(phone -> Checked.send(JsonNodeFactory.instance.objectNode().put("type", "phone")
                        .put("value", phone)))
                .orElseGet(() -> Checked.refuse(PhoneNumbers.INVALID_CODE, PhoneNumbers.INVALID));
    }

    @Override
    public Optional<List<String>> resultsHeader() {
        return Optional.empty();
    }
}
