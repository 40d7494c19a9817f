package dev.tether.cli;

import dev.tether.store.Store;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Brings the database schema to this version (the server also does it when it starts).")
final class MigrateCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions database;

    @Override
    public Integer call() {
        try (Store store = database.open()) {
            System.out.println("schema is up to date on " + store.backendName());
        }
        return 0;
    }
}
