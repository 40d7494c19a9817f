package dev.tether.cli;

import dev.tether.store.DatabaseCopy;
import dev.tether.store.Store;
import dev.tether.store.Stores;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Copies the live SQLite database to a file while the server goes on serving; serve and check "
                + "open the file as it is. PostgreSQL is backed up with its own tools (pg_basebackup).")
final class BackupCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions database;

    @Option(names = "--to", paramLabel = "FILE", required = true,
            description = "The backup file; replaced whole when it exists.")
    Path to;

    @Override
    public Integer call() {
        try {
            DatabaseCopy.requireExisting(database.url());
        } catch (IllegalStateException e) {
            System.err.println("tether backup: " + e.getMessage());
            return 1;
        }
        try (Store store = database.open()) {
            long started = System.nanoTime();
            long bytes;
            try {
                bytes = store.backupTo(to);
            } catch (IllegalStateException e) {
                System.err.println("tether backup: " + e.getMessage());
                return 1;
            }
            System.out.println(String.format(Locale.ROOT, "backed up %s to %s (%,d bytes in %.1f s)",
                    Stores.redacted(database.url()), to, bytes, (System.nanoTime() - started) / 1e9));
            return 0;
        }
    }
}
