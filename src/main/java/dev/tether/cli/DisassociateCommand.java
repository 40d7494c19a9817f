package dev.tether.cli;

import dev.tether.bulk.DisassociateJob;
import dev.tether.batch.Days;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "disassociate", mixinStandardHelpOptions = true,
        description = "Disassociates every phone number of a file through the HTTP API, in batches, with a report "
                + "of the numbers not processed; stopped, it goes on where it stopped when run again.")
final class DisassociateCommand implements Callable<Integer> {
    @Mixin
    BulkOptions bulk;

    @Option(names = "--dry-run", description = "Ask what would happen (dryRun=1) and change nothing.")
    boolean dryRun;

    @Option(names = "--disconnected-on", paramLabel = "YYYY-MM-DD",
            description = "The day every number was disconnected: each is cut only from a holder who had it by then; "
                    + "a holder who took it later keeps it (552 in the report).")
    String disconnectedOn;

    @Option(names = "--date-column", paramLabel = "N",
            description = "Or: the column that has each number's own day of disconnection, from 1.")
    Integer dateColumn;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (disconnectedOn != null && dateColumn != null) {
            throw new ParameterException(spec.commandLine(), "give --disconnected-on or --date-column, not both");
        }
        if (disconnectedOn != null && Days.parse(disconnectedOn).isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--disconnected-on must be a real day as YYYY-MM-DD, not "
                    + disconnectedOn);
        }
        return bulk.run(new DisassociateJob(bulk.defaultCountry(), dryRun, Optional.ofNullable(disconnectedOn),
                Optional.ofNullable(dateColumn)), Optional.ofNullable(dateColumn), Optional.empty());
    }
}
