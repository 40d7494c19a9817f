package dev.tether.cli;

import dev.tether.bulk.DisassociateJob;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "disassociate", mixinStandardHelpOptions = true,
        description = "Disassociates every phone number of a file through the HTTP API, in batches, with a report "
                + "of the numbers not processed; stopped, it goes on where it stopped when run again.")
final class DisassociateCommand implements Callable<Integer> {
    @Mixin
    BulkOptions bulk;

    @Option(names = "--dry-run", description = "Ask what would happen (dryRun=1) and change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        return bulk.run(new DisassociateJob(bulk.defaultCountry(), dryRun), Optional.empty(), Optional.empty());
    }
}
