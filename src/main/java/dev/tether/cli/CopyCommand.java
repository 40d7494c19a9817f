package dev.tether.cli;

import dev.tether.check.InvariantChecker;
import dev.tether.check.InvariantViolation;
import dev.tether.store.DatabaseCopy;
import dev.tether.store.Store;
import dev.tether.store.Stores;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "copy", mixinStandardHelpOptions = true,
        description = "Copies a whole Tether database into an empty one of either backend (SQLite to PostgreSQL, "
                + "PostgreSQL to partitioned PostgreSQL, and back), then verifies every table on both sides and "
                + "checks the target's invariants. Stopped any way, the same command goes on where it stopped. The "
                + "source must not be written meanwhile.")
final class CopyCommand implements Callable<Integer> {
    @Option(names = "--from", paramLabel = "JDBC_URL", required = true, description = "The database to copy.")
    String from;

    @Option(names = "--to", paramLabel = "JDBC_URL", required = true,
            description = "The database to copy into: empty, or holding a copy of --from in progress.")
    String to;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "5000",
            description = "Rows per transaction (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--verify-only", description = "Copy nothing: compare the two databases table by table.")
    boolean verifyOnly;

    @Override
    public Integer call() {
        DatabaseCopy copy = new DatabaseCopy(from, to, batchSize, line -> System.err.println("tether copy: " + line));
        if (!verifyOnly) {
            try {
                copy.copy();
            } catch (IllegalStateException e) {
                System.err.println("tether copy: " + e.getMessage());
                return 1;
            }
        }
        List<DatabaseCopy.TableCheck> checks;
        try {
            checks = copy.verify();
        } catch (IllegalStateException e) {
            System.err.println("tether copy: " + e.getMessage());
            return 1;
        }
        List<String> differ = checks.stream().filter(check -> !check.same())
                .map(check -> String.format(Locale.ROOT, "%s (%,d rows in the source, %,d in the target%s)",
                        check.table(), check.sourceRows(), check.targetRows(),
                        check.sourceRows() == check.targetRows() ? ", other content" : ""))
                .toList();
        if (!differ.isEmpty()) {
            System.out.println("differs: " + String.join("; ", differ));
            return 1;
        }
        List<InvariantViolation> violations;
        try (Store target = Stores.open(to, 2)) {
            violations = new InvariantChecker(target).violations(10);
        }
        if (!violations.isEmpty()) {
            System.out.println("the target breaks its invariants: " + violations);
            return 1;
        }
        long rows = checks.stream().mapToLong(DatabaseCopy.TableCheck::targetRows).sum();
        System.out.println(String.format(Locale.ROOT, "%s: %d tables, %,d rows, the same on both sides; the target's"
                + " invariants hold", verifyOnly ? "verified" : "copied and verified", checks.size(), rows));
        return 0;
    }
}
