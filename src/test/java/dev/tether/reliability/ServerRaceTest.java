package dev.tether.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tether.access.AccountService;
import dev.tether.account.ConflictPolicy;
import dev.tether.store.Store;
import dev.tether.store.Stores;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Backend;
import dev.tether.testing.RunSize;
import dev.tether.testing.TestServer;
import dev.tether.testing.TetherProcess;
import dev.tether.testing.Violations;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Races across servers: three server processes on one database, 32 clients racing uploads, transfers,
 * disassociations, events and deletes over the same 100 numbers (5 seconds in the short run, 60 in the full one).
 * Not one 5xx, afterwards not one invariant violation, and every number's stored history agrees with what the
 * clients saw and when ({@link RealTimeOrder}).
 */
class ServerRaceTest {
    private static final int SERVERS = 3;
    private static final int CLIENTS = 32;
    private static final int NUMBERS = 100;

    @TempDir
    Path dir;

    private record Account(String id, String passcode) {
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void threeServers32Clients_racingOverTheSameNumbers_noServerError_noViolation(Backend backend) throws Exception {
        // -Dtether.race.backends=POSTGRES,POSTGRES_PARTITIONED races those only (runs of one backend in a row)
        String only = System.getProperty("tether.race.backends", "");
        List<Backend> chosen = only.isBlank() ? List.of(Backend.values())
                : Arrays.stream(only.split(",", -1)).map(name -> Backend.valueOf(name.trim())).toList();
        assumeTrue(chosen.contains(backend), "not among -Dtether.race.backends");
        String url = backend.newDatabaseUrl();
        List<Account> accounts = new ArrayList<>();
        try (Store store = Stores.open(url, 2)) {
            AccountService service = new AccountService(store, Clock.systemUTC());
            for (ConflictPolicy policy : List.of(ConflictPolicy.TRANSFER, ConflictPolicy.REJECT, ConflictPolicy.MERGE)) {
                var created = service.create(new AccountService.NewAccount("race", "local", true, true, policy));
                accounts.add(new Account(created.account().id(), created.passcode()));
            }
        }
        List<TetherProcess> servers = new ArrayList<>();
        RealTimeOrder order = new RealTimeOrder();
        try {
            List<String> bases = new ArrayList<>();
            for (int i = 0; i < SERVERS; i++) {
                servers.add(TetherProcess.start(List.of("-Dtether.log.store=info"), dir,
                        "serve", "--port", "0", "--db", url, "--pool-size", "8",
                        "--concurrent-batch-limit", "64", "--concurrent-bulk-limit", "64"));
            }
            for (TetherProcess server : servers) {
                bases.add("http://127.0.0.1:" + server.awaitReady());
            }
            long seconds = RunSize.pick(5, 60);
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                Thread client = new Thread(() -> {
                    while (System.nanoTime() < end) {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        Account account = accounts.get(random.nextInt(accounts.size()));
                        String base = bases.get(random.nextInt(bases.size()));
                        String[] request = randomRequest(random);
                        long started = System.currentTimeMillis();
                        ApiResponse response = TestServer.send(HttpRequest.newBuilder(URI.create(base + request[0]))
                                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                                .header("X-CleverTap-Account-Id", account.id())
                                .header("X-CleverTap-Passcode", account.passcode())
                                .POST(HttpRequest.BodyPublishers.ofString(request[1])));
                        if (request[0].equals("/1/disassociate") && response.status() == 200) {
                            order.disassociated(account.id(), request[1], response.json(), started,
                                    System.currentTimeMillis());
                        }
                        String key = request[0] + " " + response.status();
                        outcomes.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
                        if (response.status() >= 500) {
                            outcomes.computeIfAbsent("5xx: " + response.body(), k -> new AtomicLong())
                                    .incrementAndGet();
                        }
                    }
                });
                client.start();
                clients.add(client);
            }
            for (Thread client : clients) {
                client.join();
            }
            Map<String, Long> summary = new TreeMap<>();
            outcomes.forEach((k, v) -> summary.put(k, v.get()));
            long retried = servers.stream().flatMap(s -> s.lines().stream())
                    .filter(line -> line.contains("transaction runs again")).count();
            long requests = summary.entrySet().stream().filter(e -> !e.getKey().startsWith("5xx"))
                    .mapToLong(Map.Entry::getValue).sum();
            System.out.printf("server race on %s, %d s: %s; %d requests, transactions run again inside the servers:"
                    + " %d (%.2f%% of requests)%n", backend, seconds, summary, requests, retried,
                    100.0 * retried / Math.max(1, requests));
            Map<String, Long> causes = new TreeMap<>();
            servers.stream().flatMap(server -> server.lines().stream())
                    .filter(line -> line.contains("transaction runs again")).map(ServerRaceTest::cause)
                    .forEach(cause -> causes.merge(cause, 1L, Long::sum));
            System.out.println("runs again by cause: " + causes);
            List<String> deadlocks = new ArrayList<>();
            for (TetherProcess server : servers) {
                List<String> lines = server.lines();
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).contains("SQLState 40P01")) {
                        deadlocks.add(String.join("\n", lines.subList(i, Math.min(lines.size(), i + 5))));
                    }
                }
            }
            // writes lock in one order, and take a lock out of it only without waiting, so no cycle of waits should
            // form; a deadlock is still run again (counted), and asserted on in the full run only, where the open
            // question (DECISIONS.md, "Concurrency: one lock order") is measured, not in every CI run
            deadlocks.forEach(deadlock -> System.out.println("deadlock: " + deadlock));
            if (RunSize.full()) {
                assertThat(deadlocks).as("deadlocks PostgreSQL found").isEmpty();
            }
            if (summary.keySet().stream().anyMatch(key -> key.startsWith("5xx"))) {
                servers.stream().flatMap(s -> s.lines().stream())
                        .filter(line -> !line.contains("transaction runs again")).limit(300)
                        .forEach(System.out::println);
            }
            // every answer 200: no 5xx, and no 4xx either (the limits are raised for 32 clients)
            assertThat(summary.keySet()).allSatisfy(key -> assertThat(key).endsWith(" 200"));
            assertThat(summary.values().stream().mapToLong(Long::longValue).sum()).isGreaterThan(CLIENTS);
        } finally {
            for (TetherProcess server : servers) {
                server.close();
            }
        }
        try (Store store = Stores.open(url, 2)) {
            assertThat(Violations.of(store)).isEmpty();
            assertThat(order.contradictions(store)).as("histories against the clients' real-time order").isEmpty();
        }
    }

    /** Why a transaction ran again, from the server's log line: its SQLState and the first words of the reason. */
    private static String cause(String line) {
        String state = line.replaceAll(".*SQLState (\\w+).*", "$1");
        String reason = line.replaceAll(".*attempt \\d+\\): ", "").replaceAll("[0-9a-f]{32}", "G");
        return state + " " + reason.substring(0, Math.min(90, reason.length()));
    }

    /** One request: its path and body, over the shared numbers and 30 shared user identities. */
    private static String[] randomRequest(ThreadLocalRandom random) {
        int kind = random.nextInt(100);
        if (kind < 20) {
            return new String[] {"/1/disassociate", "{\"d\":[" + String.join(",", nCopies(random.nextInt(1, 6),
                    () -> "{\"type\":\"phone\",\"value\":\"" + number(random) + "\"}")) + "]}"};
        }
        if (kind < 30) {
            String value = random.nextBoolean() ? "user-" + random.nextInt(30) : number(random);
            return new String[] {"/1/delete/profiles.json", "{\"identity\":\"" + value + "\"}"};
        }
        return new String[] {"/1/upload", "{\"d\":[" + String.join(",", nCopies(random.nextInt(1, 6),
                () -> uploadRecord(random))) + "]}"};
    }

    private static String uploadRecord(ThreadLocalRandom random) {
        int kind = random.nextInt(4);
        if (kind == 0) {
            return "{\"type\":\"event\",\"identity\":\"" + (random.nextBoolean() ? number(random)
                    : "user-" + random.nextInt(30)) + "\",\"evtName\":\"Charged\",\"evtData\":{\"Amount\":"
                    + random.nextInt(100) + "}}";
        }
        if (kind == 1) {
            return "{\"type\":\"profile\",\"identity\":\"" + number(random) + "\",\"profileData\":{\"Name\":\"n"
                    + random.nextInt(1000) + "\"}}";
        }
        return "{\"type\":\"profile\",\"identity\":\"user-" + random.nextInt(30) + "\",\"profileData\":{\"Phone\":\""
                + number(random) + "\"" + (random.nextInt(4) == 0 ? ",\"Email\":\"e" + random.nextInt(20) + "@x.co\""
                : "") + "}}";
    }

    private static String number(ThreadLocalRandom random) {
        return "+1555" + String.format("%07d", 9_000_000 + random.nextInt(NUMBERS));
    }

    private static List<String> nCopies(int n, java.util.function.Supplier<String> item) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(item.get());
        }
        return items;
    }
}
