package dev.tether.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tether.access.AccountService;
import dev.tether.account.ConflictPolicy;
import dev.tether.config.Limits;
import dev.tether.store.Store;
import dev.tether.store.Stores;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Backend;
import dev.tether.testing.Cli;
import dev.tether.testing.Programs;
import dev.tether.testing.TestServer;
import dev.tether.testing.TetherProcess;
import dev.tether.testing.Violations;
import dev.tether.testing.WebhookReceiver;
import dev.tether.webhook.SecretBox;
import dev.tether.webhook.WebhookService;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Failover, made by the test with PostgreSQL's own binaries: a primary and a synchronous standby, two
 * {@code tether serve} processes on one multi-host URL, clients uploading events under Idempotency-Keys and
 * disassociating numbers, and a webhook endpoint, on the plain and on the partitioned layout. The primary is killed
 * with SIGKILL and the standby promoted: the servers serve again without a restart, nothing acknowledged is lost, a
 * batch retried with its key is applied once, every acknowledged change's message is delivered, and
 * {@code tether check} is clean. And what an asynchronous standby loses, and the restore drill of a base backup with
 * its archived WAL. Needs Debian's postgresql-15 (initdb, pg_ctl, pg_basebackup; {@code .ci/run} installs it), run as
 * the postgres user when the tests run as root; skipped, and said so, without it.
 */
class FailoverTest {
    private static final int CLIENTS = 4;

    @TempDir
    Path dir;

    /** PostgreSQL's server binaries with pg_basebackup (Debian's postgresql-15 package), if installed. */
    private static Optional<Path> binaries() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(bin -> Files.isExecutable(bin.resolve("pg_basebackup")))
                    .sorted().reduce((a, b) -> b);
        } catch (IOException missing) {
            return Optional.empty();
        }
    }

    /** Runs a PostgreSQL tool as the postgres user when this is root (PostgreSQL refuses root). */
    private static List<String> as(List<String> command) {
        if (!"root".equals(System.getProperty("user.name"))) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private Programs.Result run(List<String> command) {
        Programs.Result result = Programs.run(dir, as(command));
        assertThat(result.exitCode()).as(String.join(" ", command) + "\n" + result.output()).isZero();
        return result;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"POSTGRES", "POSTGRES_PARTITIONED"})
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void thePrimaryKilledAndTheStandbyPromoted_loseNothingAcknowledged_andTheServersServeAgain(Backend layout)
            throws Exception {
        try (Clusters clusters = new Clusters()) {
            Cluster primary = clusters.primary("primary", STREAMING);
            Cluster standby = clusters.standbyOf(primary);
            String admin = primary.url("postgres");
            // synchronous once the standby streams (set before, CREATE DATABASE would wait for it forever)
            try (Connection connection = DriverManager.getConnection(admin);
                 Statement statement = connection.createStatement()) {
                statement.execute("ALTER SYSTEM SET synchronous_standby_names = 'standby1'");
                statement.execute("SELECT pg_reload_conf()");
            }
            awaitSynchronousStandby(admin);

            String url = "jdbc:postgresql://127.0.0.1:" + primary.port() + ",127.0.0.1:" + standby.port()
                    + "/tether?targetServerType=primary&user=postgres";
            Path keyFile = dir.resolve("webhook.key");
            String account;
            String passcode;
            try (WebhookReceiver receiver = new WebhookReceiver()) {
                try (Store store = Stores.open(url, 2)) {
                    if (layout == Backend.POSTGRES_PARTITIONED) {
                        assertThat(store.partitionByAccount(Backend.PARTITIONS)).isPositive();
                    }
                    AccountService.Created created = new AccountService(store, Clock.systemUTC()).create(
                            new AccountService.NewAccount("failover", "local", true, true, ConflictPolicy.REJECT));
                    account = created.account().id();
                    passcode = created.passcode();
                    WebhookService.Added hook = new WebhookService(store, new SecretBox(keyFile), Clock.systemUTC())
                            .add(account, receiver.url("/hook"), List.of());
                    receiver.trust("/hook", hook.secret());
                }
                List<TetherProcess> servers = List.of(serve(url, keyFile), serve(url, keyFile));
                try {
                    List<Integer> ports = new ArrayList<>();
                    for (TetherProcess server : servers) {
                        ports.add(server.awaitReady());
                    }
                    Load load = new Load(ports, account, passcode);
                    load.start();
                    load.awaitAcknowledged(40);
                    long killedAt = System.nanoTime();
                    clusters.kill9(primary);
                    clusters.promote(standby);
                    long promotedAt = System.nanoTime();
                    int before = load.acknowledged();
                    load.awaitAcknowledged(before + 40);
                    Duration back = Duration.ofNanos(load.firstAcknowledgedAfter(promotedAt) - promotedAt);
                    load.stop();
                    assertThat(back).as("serving again after the promotion, without a restart")
                            .isLessThan(Duration.ofSeconds(15));

                    String promoted = standby.url("tether");
                    for (int batch : load.uploads()) {
                        assertThat(Cli.count(promoted, "SELECT count(*) FROM events WHERE guid IN (SELECT guid FROM"
                                + " identity_keys WHERE value = 'b-" + batch + "')")).as("batch %d, acknowledged,"
                                + " applied once", batch).isEqualTo(Load.EVENTS);
                    }
                    for (String number : load.disassociated()) {
                        assertThat(Cli.count(promoted, "SELECT count(*) FROM identity_bindings WHERE value = '" + number
                                + "' AND end_reason = 'disassociated'")).as(number).isEqualTo(1);
                    }
                    long messages = Cli.count(promoted, "SELECT coalesce(sum(last_seq - first_seq + 1), 0) FROM"
                            + " webhook_outbox");
                    assertThat(receiver.awaitDeliveries((int) messages, Duration.ofSeconds(90))).as("every message"
                            + " of the new primary's outbox, delivered").hasSizeGreaterThanOrEqualTo((int) messages);
                    try (Store store = Stores.open(promoted, 2)) {
                        assertThat(Violations.of(store)).isEmpty();
                    }
                    assertThat(Cli.count(promoted, "SELECT count(*) FROM pg_partitioned_table") > 0)
                            .as("the account data partitioned on the new primary")
                            .isEqualTo(layout == Backend.POSTGRES_PARTITIONED);
                    System.err.printf("failover (%s): killed at +0, promoted after %d ms, serving again %d ms after"
                            + " the promotion%n", layout, (promotedAt - killedAt) / 1_000_000, back.toMillis());
                } finally {
                    servers.forEach(TetherProcess::close);
                }
            }
        }
    }

    private Path requireBinaries() throws IOException {
        Optional<Path> bin = binaries();
        assumeTrue(bin.isPresent() && Programs.available("runuser", "--version"),
                "PostgreSQL's server binaries with pg_basebackup (Debian's postgresql-15) not found: the failover test"
                        + " is SKIPPED, not passed");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        return bin.get();
    }

    /**
     * The restore drill of docs/API.md section 19: a base backup by pg_basebackup and the WAL archived as it fills
     * restore the database to the moment before a mistake (a profile deleted), and the restored database serves and
     * keeps its invariants.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aBaseBackupWithTheArchivedWal_restoresToTheMomentBeforeAMistake() throws Exception {
        try (Clusters clusters = new Clusters()) {
            Path archive = dir.resolve("wal");
            Files.createDirectories(archive);
            Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rwxrwxrwx"));
            Cluster primary = clusters.primary("primary", "archive_mode = on\narchive_command = 'cp %p " + archive
                    + "/%f'\n");
            String admin = primary.url("postgres");
            Cluster base;
            String target;
            try (TestServer server = new TestServer(primary.url("tether"), Limits.defaults())) {
                TestServer.Client client = server.newAccount();
                upload(client, "before-the-backup");
                base = clusters.baseBackup(primary, "base");
                upload(client, "after-the-backup");
                target = text(admin, "SELECT now()::text");
                Thread.sleep(1100);
                assertThat(client.post("/1/delete/profiles.json", "{\"identity\":\"after-the-backup\"}").json()
                        .get("processed").asInt()).as("the mistake").isEqualTo(1);
                Cli.count(admin, "SELECT count(*) FROM (SELECT pg_switch_wal()) s"); // the mistake's WAL to the archive
            }
            clusters.stop(primary);

            Files.writeString(base.data().resolve("postgresql.auto.conf"), "\nrestore_command = 'cp " + archive
                    + "/%f %p'\nrecovery_target_time = '" + target + "'\nrecovery_target_action = 'promote'"
                    + "\narchive_mode = off\n", StandardOpenOption.APPEND);
            Files.writeString(base.data().resolve("recovery.signal"), "");
            clusters.start(base);
            String restored = base.url("tether");
            for (int i = 0; i < 200 && !text(base.url("postgres"), "SELECT pg_is_in_recovery()::text").equals("false");
                 i++) {
                Thread.sleep(50);
            }
            assertThat(Cli.count(restored, "SELECT count(*) FROM identity_keys WHERE value = 'before-the-backup'"))
                    .isEqualTo(1);
            assertThat(Cli.count(restored, "SELECT count(*) FROM identity_keys WHERE value = 'after-the-backup' AND guid"
                    + " IS NOT NULL")).as("written after the base backup, replayed from the archive, and restored to"
                    + " before its delete").isEqualTo(1);
            try (Store store = Stores.open(restored, 2)) {
                assertThat(Violations.of(store)).isEmpty();
            }
        }
    }

    private static void upload(TestServer.Client client, String identity) {
        assertThat(client.post("/1/upload", "{\"d\":[{\"type\":\"profile\",\"identity\":\"" + identity
                + "\",\"profileData\":{}}]}").json().get("processed").asInt()).isEqualTo(1);
    }

    private static String text(String url, String query) throws Exception {
        try (Connection connection = DriverManager.getConnection(url);
             Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(query)) {
            rows.next();
            return rows.getString(1);
        }
    }

    /**
     * What asynchronous replication loses: the standby falls behind (here: it is stopped), writes are acknowledged
     * by the primary alone, the primary dies and the standby is promoted: those writes are gone, and nothing on the
     * new primary says so ({@code check} passes). With a synchronous standby (the test above) the same writes would
     * have waited for it instead of being acknowledged.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void withAnAsynchronousStandby_writesAcknowledgedAfterItFellBehind_areLostAtAFailover() throws Exception {
        try (Clusters clusters = new Clusters()) {
            Cluster primary = clusters.primary("primary", STREAMING);
            Cluster standby = clusters.standbyOf(primary);
            String admin = primary.url("postgres");
            try (TestServer server = new TestServer(primary.url("tether"), Limits.defaults())) {
                TestServer.Client client = server.newAccount();
                assertThat(client.post("/1/upload", "{\"d\":[{\"type\":\"profile\",\"identity\":\"replicated\","
                        + "\"profileData\":{}}]}").status()).isEqualTo(200);
                for (int i = 0; i < 300 && Cli.count(admin, "SELECT count(*) FROM pg_stat_replication WHERE replay_lsn"
                        + " = pg_current_wal_lsn()") == 0; i++) {
                    Thread.sleep(50);
                }
                clusters.stop(standby);
                ApiResponse acknowledged = client.post("/1/upload", "{\"d\":[{\"type\":\"profile\",\"identity\":"
                        + "\"lost\",\"profileData\":{}}]}");
                assertThat(acknowledged.json().get("processed").asInt()).as("acknowledged by the primary alone")
                        .isEqualTo(1);
            }
            clusters.kill9(primary);
            clusters.start(standby);
            clusters.promote(standby);
            String promoted = standby.url("tether");
            assertThat(Cli.count(promoted, "SELECT count(*) FROM identity_keys WHERE value = 'replicated'")).isEqualTo(1);
            assertThat(Cli.count(promoted, "SELECT count(*) FROM identity_keys WHERE value = 'lost'"))
                    .as("an acknowledged write, lost with the primary").isZero();
            try (Store store = Stores.open(promoted, 2)) {
                assertThat(Violations.of(store)).as("and nothing says so").isEmpty();
            }
        }
    }

    private TetherProcess serve(String url, Path keyFile) {
        return TetherProcess.start(dir, "serve", "--port", "0", "--db", url, "--webhook-key-file", keyFile.toString(),
                "--webhook-retries", "200ms,500ms,1s,1s,1s,1s,1s,1s,1s,1s", "--webhook-lease", "15");
    }

    private static void awaitSynchronousStandby(String admin) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (Cli.count(admin, "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'standby1' AND"
                    + " sync_state = 'sync'") == 1) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the standby never became synchronous");
    }

    /** What a primary a standby streams from needs beyond {@link Clusters#primary}'s defaults. */
    private static final String STREAMING = "max_wal_senders = 4\nsynchronous_commit = on\n";

    /** A PostgreSQL cluster a test made: its data folder and its port on 127.0.0.1. */
    private record Cluster(Path data, int port) {
        String url(String database) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
        }
    }

    /**
     * The clusters of one test, made with PostgreSQL's own tools (skipped, and said so, without them); those still
     * running at the end are stopped at once.
     */
    private final class Clusters implements AutoCloseable {
        private final Path pg;
        private final List<Cluster> running = new ArrayList<>();

        Clusters() throws IOException {
            pg = requireBinaries();
        }

        /** A new primary with a database {@code tether}, this added to its postgresql.conf, started. */
        Cluster primary(String name, String conf) throws Exception {
            Cluster primary = new Cluster(dir.resolve(name), freePort());
            run(List.of(pg.resolve("initdb").toString(), "-D", primary.data().toString(), "-A", "trust", "-U",
                    "postgres", "--no-sync"));
            Files.writeString(primary.data().resolve("postgresql.conf"), "\nport = " + primary.port()
                    + "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '" + dir + "'\nwal_level = replica\n"
                    + conf, StandardOpenOption.APPEND);
            start(primary);
            try (Connection connection = DriverManager.getConnection(primary.url("postgres"));
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE tether");
            }
            return primary;
        }

        /** A standby of the primary, streaming as {@code standby1} (asynchronously until the primary says otherwise). */
        Cluster standbyOf(Cluster primary) throws Exception {
            Cluster standby = copy(primary, "standby", true);
            Files.writeString(standby.data().resolve("postgresql.auto.conf"), "\nprimary_conninfo = 'host=127.0.0.1"
                    + " port=" + primary.port() + " user=postgres application_name=standby1'\n",
                    StandardOpenOption.APPEND);
            start(standby);
            return standby;
        }

        /** A base backup of the primary, not started. */
        Cluster baseBackup(Cluster primary, String name) throws Exception {
            return copy(primary, name, false);
        }

        private Cluster copy(Cluster primary, String name, boolean standby) throws Exception {
            Cluster copy = new Cluster(dir.resolve(name), freePort());
            // -c fast: else pg_basebackup waits out a spread checkpoint
            List<String> command = new ArrayList<>(List.of(pg.resolve("pg_basebackup").toString(), "-h", "127.0.0.1",
                    "-p", Integer.toString(primary.port()), "-U", "postgres", "-D", copy.data().toString(), "-X",
                    "stream", "-c", "fast"));
            if (standby) {
                command.add("-R");
            }
            run(command);
            Files.writeString(copy.data().resolve("postgresql.auto.conf"), "\nport = " + copy.port() + "\n",
                    StandardOpenOption.APPEND);
            return copy;
        }

        void start(Cluster cluster) {
            pgCtl(cluster, "-l", dir.resolve(cluster.data().getFileName() + ".log").toString(), "-w", "start");
            running.add(cluster);
        }

        void stop(Cluster cluster) {
            pgCtl(cluster, "-m", "fast", "stop");
            running.remove(cluster);
        }

        void promote(Cluster cluster) {
            pgCtl(cluster, "-w", "promote");
        }

        /** The postmaster killed with SIGKILL, as a machine that dies. */
        void kill9(Cluster cluster) throws IOException {
            String pid = Files.readAllLines(cluster.data().resolve("postmaster.pid")).get(0).trim();
            assertThat(Programs.run(dir, List.of("kill", "-9", pid)).exitCode()).isZero();
            running.remove(cluster);
        }

        private void pgCtl(Cluster cluster, String... args) {
            List<String> command = new ArrayList<>(List.of(pg.resolve("pg_ctl").toString(), "-D",
                    cluster.data().toString()));
            command.addAll(List.of(args));
            run(command);
        }

        @Override
        public void close() {
            for (Cluster cluster : running) {
                Programs.run(dir, as(List.of(pg.resolve("pg_ctl").toString(), "-D", cluster.data().toString(), "-m",
                        "immediate", "stop")));
            }
        }
    }

    /**
     * Clients uploading a new profile's events under an Idempotency-Key, or disassociating a number they bound,
     * each request retried with its key until it is answered 200, against both servers in turn.
     */
    private static final class Load {
        static final int EVENTS = 5;
        private final List<Integer> ports;
        private final String account;
        private final String passcode;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger next = new AtomicInteger();
        private final Set<Integer> uploads = ConcurrentHashMap.newKeySet();
        private final Set<String> disassociated = ConcurrentHashMap.newKeySet();
        private final List<Long> acknowledgedAt = java.util.Collections.synchronizedList(new ArrayList<>());
        private final List<Thread> threads = new ArrayList<>();

        Load(List<Integer> ports, String account, String passcode) {
            this.ports = ports;
            this.account = account;
            this.passcode = passcode;
        }

        void start() {
            for (int c = 0; c < CLIENTS; c++) {
                Thread thread = new Thread(this::work);
                threads.add(thread);
                thread.start();
            }
        }

        private void work() {
            while (running.get()) {
                int batch = next.getAndIncrement();
                String phone = "+1415" + String.format("%07d", 2_000_000 + batch);
                StringBuilder body = new StringBuilder("{\"d\":[{\"type\":\"profile\",\"identity\":\"b-" + batch
                        + "\",\"profileData\":{\"Phone\":\"" + phone + "\"}}");
                for (int e = 0; e < EVENTS; e++) {
                    body.append(",{\"type\":\"event\",\"identity\":\"b-").append(batch)
                            .append("\",\"evtName\":\"Paid\",\"evtData\":{\"n\":").append(e).append("}}");
                }
                if (!untilAnswered(batch, "/1/upload", body.append("]}").toString(), "up-" + batch)) {
                    return;
                }
                uploads.add(batch);
                if (batch % 3 == 0) {
                    if (!untilAnswered(batch, "/1/disassociate", "{\"d\":[{\"type\":\"phone\",\"value\":\"" + phone
                            + "\"}]}", "cut-" + batch)) {
                        return;
                    }
                    disassociated.add(phone);
                }
            }
        }

        /** Sends until a 200 (retrying with the same key through a failover); false when stopped first. */
        private boolean untilAnswered(int batch, String path, String body, String key) {
            for (int attempt = 0; running.get() || attempt == 0; attempt++) {
                int port = ports.get((batch + attempt) % ports.size());
                try {
                    ApiResponse answer = TestServer.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + path)).timeout(Duration.ofSeconds(20)).header("X-CleverTap-Account-Id", account)
                            .header("X-CleverTap-Passcode", passcode).header("Content-Type", "application/json")
                            .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(body)));
                    if (answer.status() == 200 && answer.json().get("unprocessed").isEmpty()) {
                        acknowledgedAt.add(System.nanoTime());
                        return true;
                    }
                } catch (RuntimeException | AssertionError brokenOrRefused) {
                    // a connection cut by the failover, or a 503 while no primary answers: again, with the key
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return false;
        }

        int acknowledged() {
            return acknowledgedAt.size();
        }

        void awaitAcknowledged(int count) throws InterruptedException {
            for (int i = 0; i < 1200 && acknowledged() < count; i++) {
                Thread.sleep(50);
            }
            assertThat(acknowledged()).as("acknowledged writes").isGreaterThanOrEqualTo(count);
        }

        long firstAcknowledgedAfter(long nanos) {
            synchronized (acknowledgedAt) {
                return acknowledgedAt.stream().filter(t -> t > nanos).min(Long::compare).orElseThrow();
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join();
            }
        }

        Set<Integer> uploads() {
            return uploads;
        }

        Set<String> disassociated() {
            return disassociated;
        }
    }
}
