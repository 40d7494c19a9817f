package dev.tether.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve --backup-dir}: a backup of the SQLite database every period ({@link Store#backupTo}), named by its
 * time ({@code tether-20261207T140000Z.db}, so the names sort as the times), the newest {@code keep} kept. A backup
 * that fails is logged and tried again at the next turn; the server goes on.
 */
public final class BackupSchedule implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackupSchedule.class);
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'tether-'yyyyMMdd'T'HHmmss'Z.db'")
            .withZone(ZoneOffset.UTC);

    private final Store store;
    private final Path dir;
    private final Duration every;
    private final int keep;
    private final Clock clock;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "tether-backup");
        thread.setDaemon(true);
        return thread;
    });

    public BackupSchedule(Store store, Path dir, Duration every, int keep, Clock clock) {
        if (keep < 1) {
            throw new IllegalArgumentException("backups to keep must be at least 1");
        }
        this.store = store;
        this.dir = dir;
        this.every = every;
        this.keep = keep;
        this.clock = clock;
    }

    /**
     * The first backup one period after the newest in the folder (at once when that is past, or when there is none),
     * then one every period: a server restarted more often than the period still backs up.
     */
    public BackupSchedule start() {
        executor.scheduleWithFixedDelay(this::backUpLogged, firstDelay().toMillis(), every.toMillis(),
                TimeUnit.MILLISECONDS);
        return this;
    }

    private Duration firstDelay() {
        List<Path> backups = backups();
        if (backups.isEmpty()) {
            return Duration.ZERO;
        }
        String newest = backups.get(backups.size() - 1).getFileName().toString();
        Instant made = NAME.parse(newest, Instant::from);
        Duration left = Duration.between(clock.instant(), made.plus(every));
        return left.isNegative() ? Duration.ZERO : left.compareTo(every) > 0 ? every : left;
    }

    /** The backups in the folder, oldest first (their names sort as their times). */
    private List<Path> backups() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(path -> path.getFileName().toString().matches("tether-\\d{8}T\\d{6}Z\\.db"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void backUpLogged() {
        try {
            Path file = backUpNow();
            LOG.info("backed the database up to {}", file);
        } catch (RuntimeException e) {
            LOG.error("the backup to {} failed; trying again in {}: {}", dir, every, e.getMessage());
        }
    }

    /** One backup now; then the oldest beyond the newest {@code keep} are removed. Answers the new file. */
    public Path backUpNow() {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(NAME.format(clock.instant()));
            store.backupTo(file);
            List<Path> backups = backups();
            for (Path old : backups.subList(0, Math.max(0, backups.size() - keep))) {
                Files.deleteIfExists(old);
            }
            // a backup stopped by a kill left its temporary file under a name no later backup takes
            try (Stream<Path> files = Files.list(dir)) {
                for (Path left : files.filter(path -> path.getFileName().toString()
                        .matches("tether-\\d{8}T\\d{6}Z\\.db\\.tmp")).toList()) {
                    Files.deleteIfExists(left);
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
