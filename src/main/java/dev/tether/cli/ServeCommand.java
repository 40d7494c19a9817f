package dev.tether.cli;

import dev.tether.access.AccountService;
import dev.tether.account.ConflictPolicy;
import dev.tether.config.Limits;
import dev.tether.http.Telemetry;
import dev.tether.http.TetherServer;
import dev.tether.store.BackupSchedule;
import dev.tether.store.Store;
import dev.tether.store.Stores;
import dev.tether.webhook.WebhookConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, description = "Starts the HTTP server.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions database;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "${env:TETHER_PORT:-8080}",
            description = "Port to listen on; 0 picks a free one (env TETHER_PORT, default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "${env:TETHER_HOST:-0.0.0.0}",
            description = "Address to listen on (env TETHER_HOST, default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--region", paramLabel = "R", defaultValue = "${env:TETHER_REGION:-local}",
            description = "This server's region; accounts of other regions get 401 (env TETHER_REGION, "
                    + "default ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--audit-retention-days", paramLabel = "DAYS",
            defaultValue = "${env:TETHER_AUDIT_RETENTION_DAYS:-400}",
            description = "How long the audit trail keeps an entry; older ones are purged in small batches every 10"
                    + " minutes (env TETHER_AUDIT_RETENTION_DAYS, default ${DEFAULT-VALUE}).")
    long auditRetentionDays;

    @Mixin
    LimitOptions limitOptions;

    @Mixin
    WebhookOptions webhookOptions;

    @Mixin
    TelemetryOptions telemetryOptions;

    @Mixin
    BackupOptions backupOptions;

    @Override
    public Integer call() throws InterruptedException {
        if (auditRetentionDays < 1) {
            throw new IllegalArgumentException("--audit-retention-days must be at least 1");
        }
        Telemetry telemetry = telemetryOptions.apply();
        Limits limits = limitOptions.limits();
        WebhookConfig webhooks = webhookOptions.config(database);
        Store store = database.open();
        Clock clock = Clock.systemUTC();
        TetherServer server;
        Optional<AccountService.Created> demo;
        Optional<BackupSchedule> backups;
        try {
            backups = backupOptions.schedule(store, clock);
            demo = createDemoAccountIfEmpty(store, clock);
            server = new TetherServer(store, region, limits, clock, webhooks, telemetry,
                    Duration.ofDays(auditRetentionDays)).start(host, port);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        backups.ifPresent(BackupSchedule::start);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("tether stopping: finishing requests in flight");
            boolean clean = true;
            try {
                backups.ifPresent(BackupSchedule::close);
                server.close();
            } catch (RuntimeException e) {
                clean = false;
                System.err.println("tether: while stopping the HTTP server: " + e);
            } finally {
                store.close();
                System.err.println("tether stopped");
                stopped.countDown();
                System.out.flush();
                System.err.flush();
                // a stop on SIGTERM or Ctrl-C (SIGINT) that finished cleanly exits 0, not the JVM's 128 + signal
                Runtime.getRuntime().halt(clean ? 0 : 1);
            }
        }, "tether-shutdown"));
        demo.ifPresent(created -> printDemo(created, server.port()));
        System.out.println("tether ready on http://localhost:" + server.port() + " (" + store.backendName() + ": "
                + Stores.redacted(database.url()) + ", region " + region + ")");
        System.out.flush();
        stopped.await();
        return 0;
    }

    private Optional<AccountService.Created> createDemoAccountIfEmpty(Store store, Clock clock) {
        AccountService accounts = new AccountService(store, clock);
        if (!accounts.list().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(accounts.create(new AccountService.NewAccount("Demo", region, true, true,
                ConflictPolicy.REJECT)));
    }

    private static void printDemo(AccountService.Created demo, int port) {
        String id = demo.account().id();
        System.out.println("Created a demo account (the passcode is shown only now):");
        System.out.println("  account id: " + id);
        System.out.println("  passcode:   " + demo.passcode());
        System.out.println("Try it:");
        System.out.println("  curl -s -X POST 'http://localhost:" + port + "/1/upload'"
                + " -H 'Content-Type: application/json' -H 'X-CleverTap-Account-Id: " + id + "'"
                + " -H 'X-CleverTap-Passcode: " + demo.passcode() + "'"
                + " -d '{\"d\":[{\"type\":\"profile\",\"identity\":\"user-42\",\"profileData\":{\"Name\":\"Asha\"}}]}'");
    }
}
