package dev.tether.cli;

import dev.tether.store.Store;
import dev.tether.store.Stores;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the data lives: SQLite under --data, or the database --db names. */
final class DatabaseOptions {
    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:TETHER_DATA:-./tether-data}",
            description = "Data folder; SQLite lives at DIR/tether.db (env TETHER_DATA, default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--db", paramLabel = "JDBC_URL", defaultValue = "${env:TETHER_DB}",
            description = "JDBC URL of the database, e.g. jdbc:postgresql://host/db?user=u&password=p "
                    + "(env TETHER_DB; default: SQLite in the data folder).")
    String db;

    @Option(names = "--pool-size", paramLabel = "N", defaultValue = "${env:TETHER_POOL_SIZE:-8}",
            description = "Connections to PostgreSQL (env TETHER_POOL_SIZE, default ${DEFAULT-VALUE}).")
    int poolSize;

    String url() {
        return Stores.urlFor(data, db);
    }

    Store open() {
        return Stores.open(url(), poolSize);
    }
}
