package dev.tether.cli;

import dev.tether.store.BackupSchedule;
import dev.tether.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code serve}'s scheduled backups of a SQLite database. */
final class BackupOptions {
    @Option(names = "--backup-dir", paramLabel = "DIR", defaultValue = "${env:TETHER_BACKUP_DIR}",
            description = "SQLite: back the database up into DIR every --backup-every, keeping the newest "
                    + "--backup-keep (env TETHER_BACKUP_DIR; default none).")
    @Nullable Path dir;

    @Option(names = "--backup-every", paramLabel = "PERIOD", defaultValue = "${env:TETHER_BACKUP_EVERY:-6h}",
            description = "Time between backups, such as 30m, 6h or 1d (env TETHER_BACKUP_EVERY, default "
                    + "${DEFAULT-VALUE}).")
    String every;

    @Option(names = "--backup-keep", paramLabel = "N", defaultValue = "${env:TETHER_BACKUP_KEEP:-7}",
            description = "Backups kept in --backup-dir, the newest (env TETHER_BACKUP_KEEP, default ${DEFAULT-VALUE}).")
    int keep;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** The schedule the flags ask for, not started; none without --backup-dir. */
    Optional<BackupSchedule> schedule(Store store, Clock clock) {
        if (dir == null) {
            return Optional.empty();
        }
        if (!store.backendName().equals("sqlite")) {
            throw new ParameterException(spec.commandLine(), "--backup-dir backs up a SQLite database; PostgreSQL is "
                    + "backed up with its own tools (pg_basebackup and WAL archiving, docs/API.md \"Backups\")");
        }
        Duration period;
        try {
            period = WebhookOptions.pauses(List.of(every)).get(0);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--backup-every: '" + every + "' is not a period such as"
                    + " 30m, 6h or 1d");
        }
        if (period.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new ParameterException(spec.commandLine(), "--backup-every must be at least 1m");
        }
        if (keep < 1) {
            throw new ParameterException(spec.commandLine(), "--backup-keep must be at least 1");
        }
        return Optional.of(new BackupSchedule(store, dir, period, keep, clock));
    }
}
