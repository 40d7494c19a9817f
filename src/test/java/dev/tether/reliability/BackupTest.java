package dev.tether.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.config.Limits;
import dev.tether.store.BackupSchedule;
import dev.tether.store.Store;
import dev.tether.store.Stores;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Backend;
import dev.tether.testing.Cli;
import dev.tether.testing.SteppedClock;
import dev.tether.testing.TestServer;
import dev.tether.testing.TetherProcess;
import dev.tether.testing.Violations;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tether backup} of a SQLite database while a server writes to it: every batch acknowledged before the backup
 * began is in the file, no batch is there by halves, the invariants hold in it, and a server started on it (the
 * restore drill) serves what it holds. PostgreSQL is refused with where to look instead.
 */
class BackupTest {
    private static final int PER_BATCH = 50;

    @TempDir
    Path dir;

    @Test
    void aBackupWhileTheServerWrites_holdsEveryBatchAcknowledgedBefore_noneByHalves_andServesAsARestore()
            throws Exception {
        Path data = dir.resolve("data");
        String url = "jdbc:sqlite:" + data.resolve("tether.db");
        Files.createDirectories(data);
        Path backup = dir.resolve("backups").resolve("tether.db");
        Files.createDirectories(backup.getParent());
        Set<Integer> acknowledgedBefore;
        String accountId;
        String passcode;
        try (TestServer server = new TestServer(url, Limits.defaults())) {
            TestServer.Client client = server.newAccount();
            accountId = client.accountId();
            passcode = client.passcode();
            Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = new Thread(() -> {
                for (int batch = 0; writing.get(); batch++) {
                    StringBuilder body = new StringBuilder("{\"d\":[");
                    for (int i = 0; i < PER_BATCH; i++) {
                        body.append(i == 0 ? "" : ",").append("{\"type\":\"profile\",\"identity\":\"w-").append(batch)
                                .append('-').append(i).append("\",\"profileData\":{\"Phone\":\"+1415")
                                .append(String.format("%07d", batch * PER_BATCH + i)).append("\"}}");
                    }
                    ApiResponse answer = client.post("/1/upload", body.append("]}").toString());
                    if (answer.status() == 200 && answer.json().get("processed").asInt() == PER_BATCH) {
                        acknowledged.add(batch);
                    }
                }
            });
            writer.start();
            while (acknowledged.size() < 20) {
                Thread.sleep(10);
            }
            acknowledgedBefore = Set.copyOf(acknowledged);
            Cli.Result backedUp = Cli.run("backup", "--db", url, "--to", backup.toString());
            int acknowledgedDuring = acknowledged.size();
            Thread.sleep(300);
            writing.set(false);
            writer.join();
            assertThat(backedUp.exit()).as(backedUp.out() + backedUp.err()).isZero();
            assertThat(backedUp.out()).startsWith("backed up jdbc:sqlite:").contains(" bytes in ");
            assertThat(acknowledged.size()).as("the server went on writing").isGreaterThan(acknowledgedDuring);
        }
        try (Stream<Path> files = Files.list(backup.getParent())) {
            assertThat(files.map(path -> path.getFileName().toString())).as("no temporary file left")
                    .containsExactly("tether.db");
        }

        String restored = "jdbc:sqlite:" + backup;
        Set<String> identities = identities(restored);
        for (int batch : acknowledgedBefore) {
            for (int i = 0; i < PER_BATCH; i++) {
                assertThat(identities).as("batch %d, acknowledged before the backup began", batch)
                        .contains("w-" + batch + "-" + i);
            }
        }
        for (String value : identities) {
            if (value.startsWith("w-")) {
                String batch = value.substring(0, value.lastIndexOf('-') + 1);
                for (int i = 0; i < PER_BATCH; i++) {
                    assertThat(identities).as("%s whole or absent", batch).contains(batch + i);
                }
            }
        }
        try (Store store = Stores.open(restored, 2)) {
            assertThat(Violations.of(store)).isEmpty();
        }
        // the restore drill: a server on the backup's folder serves what it holds, with the same passcode
        try (TetherProcess restoredServer = TetherProcess.start(dir, "serve", "--port", "0", "--data",
                backup.getParent().toString())) {
            int port = restoredServer.awaitReady();
            ApiResponse read = TestServer.send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + port + "/1/profile.json?identity=w-0-7"))
                    .header("X-CleverTap-Account-Id", accountId).header("X-CleverTap-Passcode", passcode).GET());
            assertThat(read.status()).as(read.body()).isEqualTo(200);
            assertThat(read.json().get("record").get("phone").asText()).isEqualTo("+14150000007");
        }
    }

    @Test
    void aBackupOverTheDatabaseItself_orOfAFileThatIsNotThere_isRefused() throws Exception {
        Path data = dir.resolve("live");
        Files.createDirectories(data);
        String url = "jdbc:sqlite:" + data.resolve("tether.db");
        try (TestServer server = new TestServer(url, Limits.defaults())) {
            server.newAccount();
        }
        Cli.Result overItself = Cli.run("backup", "--db", url, "--to", data.resolve("tether.db").toString());
        assertThat(overItself.exit()).isEqualTo(1);
        assertThat(overItself.err()).contains("would replace the database itself");
        assertThat(data.resolve("tether.db.tmp")).doesNotExist();
        Cli.Result missing = Cli.run("backup", "--db", "jdbc:sqlite:" + dir.resolve("typo").resolve("tether.db"), "--to",
                dir.resolve("b.db").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no database at");
        assertThat(dir.resolve("typo")).doesNotExist();
    }

    @Test
    void aBackupOfPostgres_isRefused_namingItsOwnTools() throws Exception {
        String url = Backend.POSTGRES.newDatabaseUrl();
        Cli.Result refused = Cli.run("backup", "--db", url, "--to", dir.resolve("x.db").toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("tether backup: PostgreSQL is backed up with its"
                + " own tools, pg_basebackup and WAL archiving");
        assertThat(dir.resolve("x.db")).doesNotExist();
    }

    @Test
    void scheduledBackups_areNamedByTheirTime_andTheNewestAreKept() throws Exception {
        String url = Backend.SQLITE.newDatabaseUrl();
        Path backups = dir.resolve("scheduled");
        SteppedClock clock = new SteppedClock(Instant.parse("2026-12-07T10:00:00Z"));
        try (TestServer server = new TestServer(url, Limits.defaults())) {
            server.newAccount().post("/1/upload", "{\"d\":[{\"type\":\"profile\",\"identity\":\"kept\","
                    + "\"profileData\":{\"Phone\":\"+14155550100\"}}]}");
        }
        try (Store store = Stores.open(url, 2);
             BackupSchedule schedule = new BackupSchedule(store, backups, Duration.ofHours(6), 3, clock)) {
            for (int i = 0; i < 5; i++) {
                schedule.backUpNow();
                clock.advance(Duration.ofHours(6));
            }
        }
        try (Stream<Path> files = Files.list(backups)) {
            assertThat(files.map(path -> path.getFileName().toString()).sorted()).containsExactly(
                    "tether-20261207T220000Z.db", "tether-20261208T040000Z.db", "tether-20261208T100000Z.db");
        }
        String newest = "jdbc:sqlite:" + backups.resolve("tether-20261208T100000Z.db");
        try (Store store = Stores.open(newest, 2)) {
            assertThat(Violations.of(store)).isEmpty();
        }
        assertThat(identities(newest)).contains("kept", "+14155550100");
    }

    /** Started, the schedule backs up at once when the folder has none, then every period. */
    @Test
    void aStartedSchedule_backsUpAtOnceIntoAnEmptyFolder_thenEveryPeriod() throws Exception {
        String url = Backend.SQLITE.newDatabaseUrl();
        Path backups = dir.resolve("timed");
        try (TestServer server = new TestServer(url, Limits.defaults());
             BackupSchedule schedule = new BackupSchedule(server.store(), backups, Duration.ofMillis(1500), 10,
                     Clock.systemUTC()).start()) {
            server.newAccount();
            for (int i = 0; i < 100 && count(backups) < 2; i++) {
                Thread.sleep(50);
            }
            assertThat(count(backups)).as("one at once, one a period later").isGreaterThanOrEqualTo(2);
        }
    }

    private static long count(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(path -> path.getFileName().toString().endsWith("Z.db")).count();
        }
    }

    @Test
    void serveWithABackupDirOnPostgres_isAUsageError() throws Exception {
        try (TetherProcess serve = TetherProcess.start(dir, "serve", "--port", "0", "--db",
                Backend.POSTGRES.newDatabaseUrl(), "--backup-dir", dir.resolve("b").toString())) {
            assertThat(serve.awaitExit()).isEqualTo(2);
            assertThat(String.join("\n", serve.lines())).contains("--backup-dir backs up a SQLite database");
        }
    }

    private static Set<String> identities(String url) throws Exception {
        Set<String> values = new HashSet<>();
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT value FROM identity_bindings")) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
