package dev.tether.cli;

import dev.tether.store.Store;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Brings the database schema to this version (the server also does it when it starts).")
final class MigrateCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions database;

    @Option(names = "--partitions", paramLabel = "N",
            description = "PostgreSQL: then hash-partition the account data by account_id into N partitions (2 to "
                    + Store.MAX_PARTITIONS + "); tables already partitioned stay as they are.")
    @Nullable Integer partitions;

    @Override
    public Integer call() {
        try (Store store = database.open()) {
            System.out.println("schema is up to date on " + store.backendName());
            if (partitions != null) {
                int tables;
                try {
                    tables = store.partitionByAccount(partitions);
                } catch (IllegalStateException | IllegalArgumentException e) {
                    System.err.println("tether migrate: " + e.getMessage());
                    return 1;
                }
                System.out.println(tables > 0 ? "account data partitioned by account_id into " + partitions
                        + " partitions (" + tables + " tables)"
                        : "account data already partitioned by account_id: left as it is");
            }
        }
        return 0;
    }
}
