package dev.tether.cli;

import dev.tether.bulk.ReassignedJob;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "reassigned", mixinStandardHelpOptions = true,
        description = "Asks for every phone number of a file whether it changed hands since a date, through the "
                + "HTTP API, and writes phone,date,reassigned rows; stopped, it goes on when run again.")
final class ReassignedCommand implements Callable<Integer> {
    @Mixin
    BulkOptions bulk;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "The date every number is asked about.")
    String date;

    @Option(names = "--date-column", paramLabel = "N",
            description = "Or: the column that has each number's own date, from 1.")
    Integer dateColumn;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Where the answers go as phone,date,reassigned (default: beside the file, "
                    + "FILE.reassigned.csv).")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if ((date == null) == (dateColumn == null)) {
            throw new ParameterException(spec.commandLine(), "give --date or --date-column (one of them)");
        }
        Path results = out != null ? out : bulk.sibling("reassigned.csv");
        return bulk.run(new ReassignedJob(bulk.defaultCountry(), Optional.ofNullable(date),
                Optional.ofNullable(dateColumn)), Optional.ofNullable(dateColumn), Optional.of(results));
    }
}
