package dev.tether.webhook;

import dev.tether.identity.Guids;
import dev.tether.store.DeliveryAttempt;
import dev.tether.store.OutboxMessage;
import dev.tether.store.Store;
import dev.tether.store.StoredEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox of every account to its endpoints, from this server. It leases endpoints that have messages
 * due (on PostgreSQL with FOR UPDATE SKIP LOCKED, so several servers share the work and each endpoint is delivered
 * to by one server at a time), and gives each leased endpoint a sender thread, which sends its messages one at a
 * time in the account's commit order, moving the endpoint's cursor after each. A message that is not delivered is
 * tried again after the next pause of the retry schedule (with jitter), holding back the messages after it, so the
 * order holds; after the last retry it is given up and the endpoint goes on. Nothing here runs on a request's
 * thread: a slow or dead endpoint holds one sender, never the API or other endpoints.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    /** Messages read per query while an endpoint is being delivered to. */
    private static final int PAGE = 100;
    /** Deliveries recorded together, at most. */
    private static final int RECORD_EVERY = 100;
    /** The longest a delivery goes unrecorded while more follow. */
    private static final Duration RECORD_AFTER = Duration.ofMillis(200);
    /** Rows pruned per transaction, so that the prune never holds writers up. */
    private static final int PRUNE_BATCH = 1000;
    private static final Duration LAG_EVERY = Duration.ofSeconds(10);
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(10);

    private final Store store;
    private final SecretBox secrets;
    private final WebhookSettings settings;
    private final Clock clock;
    private final WebhookMetrics metrics;
    /** This server, as leases name it; each lease adds its own number, so a lease ended is never taken for another. */
    private final String server = "server-" + Guids.newGuid();
    private final AtomicLong leases = new AtomicLong();
    private final ScheduledExecutorService ticker;
    /** Pruning and the lag, apart from the polls, so that a long prune never holds delivery up. */
    private final ScheduledExecutorService upkeep;
    /** Ends an attempt that is still going at its deadline. */
    private final ScheduledExecutorService deadlines;
    private final ExecutorService senders;
    private final Semaphore free;
    private final AtomicBoolean pollQueued = new AtomicBoolean();
    private volatile boolean closed;

    public WebhookDispatcher(Store store, SecretBox secrets, WebhookSettings settings, Clock clock,
                             MeterRegistry registry) {
        this.store = store;
        this.secrets = secrets;
        this.settings = settings;
        this.clock = clock;
        this.metrics = new WebhookMetrics(registry);
        this.free = new Semaphore(settings.senders());
        this.ticker = Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "tether-webhook-poll"));
        this.upkeep = Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "tether-webhook-upkeep"));
        this.deadlines = Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "tether-webhook-deadline"));
        this.senders = Executors.newFixedThreadPool(settings.senders(), task -> daemon(task, "tether-webhook-send"));
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    public WebhookDispatcher start() {
        long poll = settings.poll().toMillis();
        ticker.scheduleWithFixedDelay(this::poll, 0, poll, TimeUnit.MILLISECONDS);
        upkeep.scheduleWithFixedDelay(this::measureLag, 0, LAG_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        upkeep.scheduleWithFixedDelay(this::prune, 1, PRUNE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Looks for due endpoints now rather than at the next poll: a unit with identity changes just committed. */
    public void wake() {
        if (!closed && pollQueued.compareAndSet(false, true)) {
            try {
                ticker.execute(this::poll);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                pollQueued.set(false);
            }
        }
    }

    /** Leases as many due endpoints as there are free senders, and hands each to one. Runs on the ticker only. */
    private void poll() {
        pollQueued.set(false);
        int available = free.availablePermits();
        if (closed || available == 0) {
            return;
        }
        try {
            long now = clock.millis();
            // a read first: most polls find nothing, and a write transaction would take SQLite's one writer
            if (!store.read(tx -> tx.webhooks().anyDue(now))) {
                return;
            }
            long until = now + settings.lease().toMillis();
            String owner = server + "/" + leases.incrementAndGet();
            List<StoredEndpoint> leased = store.write(tx -> tx.webhooks().lease(owner, now, until, available));
            for (StoredEndpoint endpoint : leased) {
                free.acquireUninterruptibly();
                metrics.senderStarted();
                senders.execute(() -> {
                    try {
                        deliver(endpoint, owner, until);
                    } catch (RuntimeException e) {
                        LOG.warn("webhook delivery to endpoint {} stopped: {}", endpoint.endpointId(), e.toString());
                        giveUpLease(endpoint, owner);
                    } finally {
                        metrics.senderDone();
                        free.release();
                    }
                    wake();
                });
            }
        } catch (RuntimeException e) {
            LOG.warn("webhook poll failed: {}", e.toString());
        }
    }

    /**
     * Sends the endpoint's messages after its cursor, one at a time, until none is left, one is not delivered
     * (tried again later), the endpoint is paused, the lease is lost, or the server stops. Progress is recorded
     * (cursor, attempts, lease renewed) every {@value #RECORD_EVERY} deliveries or {@link #RECORD_AFTER},
     * whichever comes first, at once when a message is not delivered, and before an attempt that the lease might
     * not outlast: a server killed in between sends the unrecorded ones again, which at-least-once allows, and the
     * writes stay off the API's way.
     */
    private void deliver(StoredEndpoint endpoint, String owner, long leasedUntil) {
        byte[] key;
        try {
            key = WebhookSecret.keyOf(secrets.open(endpoint.endpointId(), endpoint.sealedSecret()));
        } catch (IllegalArgumentException e) {
            cannotSign(endpoint, owner, String.valueOf(e.getMessage()));
            return;
        }
        Progress progress = new Progress(endpoint, owner, leasedUntil);
        Set<String> takes = EndpointTypes.names(endpoint);
        while (!closed) {
            long after = progress.cursor;
            List<OutboxMessage> page = store.read(tx -> tx.webhooks().messagesAfter(endpoint.accountId(), after,
                    PAGE));
            if (page.isEmpty()) {
                break;
            }
            for (OutboxMessage message : page) {
                if (closed) {
                    break;
                }
                if (!takes.contains(message.type())) {
                    progress.cursor = message.seq();
                    continue;
                }
                if (clock.millis() + settings.timeout().toMillis() + LEASE_MARGIN.toMillis() > progress.leaseUntil
                        && !record(progress, 0, leaseUntil(), false)) {
                    return;
                }
                int attempt = ++progress.failed;
                Attempt.Outcome outcome;
                long started = System.nanoTime();
                try {
                    String body = Messages.body(endpoint.accountId(), message);
                    long timestamp = clock.instant().getEpochSecond();
                    outcome = Attempt.send(endpoint.url(), message.messageId(), timestamp,
                            Signature.sign(key, message.messageId(), timestamp, body), body, settings.timeout(),
                            deadlines);
                } catch (RuntimeException e) {
                    // a message that cannot be made (an outbox row of another version): given up, not retried
                    attempt = settings.retries().size() + 1;
                    outcome = new Attempt.Outcome(false, OptionalInt.empty(),
                            Optional.of("the message cannot be made: " + e.getMessage()));
                }
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                String result;
                if (outcome.delivered()) {
                    result = DeliveryOutcome.DELIVERED;
                } else if (attempt > settings.retries().size()) {
                    result = DeliveryOutcome.FAILED;
                    LOG.warn("webhook message {} to endpoint {} given up after {} attempts: {}", message.messageId(),
                            endpoint.endpointId(), attempt, outcome.error().orElse("?"));
                } else {
                    result = DeliveryOutcome.RETRYING;
                    LOG.info("webhook message {} to endpoint {} not delivered (attempt {}): {}", message.messageId(),
                            endpoint.endpointId(), attempt, outcome.error().orElse("?"));
                }
                metrics.attempt(result, took);
                progress.pending.add(new DeliveryAttempt(endpoint.endpointId(), message.seq(), attempt,
                        message.messageId(), message.type(), clock.millis(), took.toMillis(), outcome.status(),
                        outcome.error(), result));
                if (result.equals(DeliveryOutcome.RETRYING)) {
                    record(progress, clock.millis() + pause(attempt).toMillis(), 0, true);
                    return;
                }
                progress.cursor = message.seq();
                progress.failed = 0;
                boolean now = result.equals(DeliveryOutcome.FAILED) || progress.due();
                if (now && !record(progress, 0, leaseUntil(), false)) {
                    return;
                }
            }
        }
        record(progress, 0, 0, true);
    }

    /** How much longer than an attempt a lease must still run for the attempt to start without renewing it. */
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(5);

    /** How far a sender has got with one endpoint, and what it has not recorded yet. */
    private static final class Progress {
        final String endpointId;
        final String owner;
        final List<DeliveryAttempt> pending = new ArrayList<>();
        long cursor;
        int failed;
        long leaseUntil;
        long recordedAt = System.nanoTime();

        Progress(StoredEndpoint endpoint, String owner, long leaseUntil) {
            this.endpointId = endpoint.endpointId();
            this.owner = owner;
            this.cursor = endpoint.deliveredSeq();
            this.failed = endpoint.attempts();
            this.leaseUntil = leaseUntil;
        }

        boolean due() {
            return pending.size() >= RECORD_EVERY || System.nanoTime() - recordedAt >= RECORD_AFTER.toNanos();
        }
    }

    /**
     * Records the progress and renews the lease to {@code leaseUntil}, or gives it up when {@code release}; false
     * when this sender must stop: the lease went to another sender meanwhile, or the endpoint was paused (then the
     * lease is given up too, after the progress is recorded).
     */
    private boolean record(Progress progress, long nextAttemptAt, long leaseUntil, boolean release) {
        List<DeliveryAttempt> attempts = List.copyOf(progress.pending);
        long cursor = progress.cursor;
        int failed = progress.failed;
        String result = store.write(tx -> {
            if (!tx.webhooks().recordAttempts(progress.endpointId, attempts, progress.owner, cursor, failed,
                    nextAttemptAt, leaseUntil)) {
                return "lost";
            }
            boolean paused = tx.webhooks().endpoint(progress.endpointId)
                    .map(e -> e.pausedAt().isPresent()).orElse(true);
            if (release || paused) {
                tx.webhooks().release(progress.endpointId, progress.owner);
            }
            return paused ? "paused" : "kept";
        });
        progress.pending.clear();
        progress.recordedAt = System.nanoTime();
        progress.leaseUntil = leaseUntil;
        if (result.equals("lost")) {
            LOG.info("webhook endpoint {}: another server took it over", progress.endpointId);
        }
        return result.equals("kept");
    }

    /**
     * The secret cannot be opened here (no key file, or another key): the next message waits a minute, and the
     * reason is recorded as an attempt, so that {@code webhook deliveries} shows it; another server may hold the key.
     */
    private void cannotSign(StoredEndpoint endpoint, String owner, String reason) {
        LOG.error("webhook endpoint {}: {}", endpoint.endpointId(), reason);
        store.write(tx -> {
            List<OutboxMessage> next = tx.webhooks().messagesAfter(endpoint.accountId(), endpoint.deliveredSeq(), 1);
            next.forEach(message -> tx.webhooks().recordAttempts(endpoint.endpointId(), List.of(
                    new DeliveryAttempt(endpoint.endpointId(), message.seq(), endpoint.attempts() + 1,
                            message.messageId(), message.type(), clock.millis(), 0, OptionalInt.empty(),
                            Optional.of(reason), DeliveryOutcome.RETRYING)), owner, endpoint.deliveredSeq(),
                    endpoint.attempts(), clock.millis() + 60_000, 0));
            tx.webhooks().release(endpoint.endpointId(), owner);
            return Boolean.TRUE;
        });
    }

    private void giveUpLease(StoredEndpoint endpoint, String owner) {
        try {
            store.write(tx -> {
                tx.webhooks().release(endpoint.endpointId(), owner);
                return Boolean.TRUE;
            });
        } catch (RuntimeException e) {
            LOG.warn("could not give up the lease of webhook endpoint {} (it expires by itself): {}",
                    endpoint.endpointId(), e.toString());
        }
    }

    /** The pause before retry {@code attempt} (1-based), with up to 20% jitter either way. */
    Duration pause(int attempt) {
        Duration base = settings.retries().get(attempt - 1);
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis(Math.round(base.toMillis() * jitter));
    }

    private long leaseUntil() {
        return clock.millis() + settings.lease().toMillis();
    }

    private void measureLag() {
        try {
            long now = clock.instant().getEpochSecond();
            metrics.lag(store.read(tx -> tx.webhooks().oldestUndelivered()).stream().map(at -> now - at)
                    .findFirst().orElse(0L));
        } catch (RuntimeException e) {
            LOG.debug("webhook lag not measured: {}", e.toString());
        }
    }

    /** Deletes delivered messages and attempts older than the retention, in short transactions. */
    void prune() {
        try {
            long messagesBefore = clock.instant().minus(settings.retention()).getEpochSecond();
            long attemptsBefore = clock.millis() - settings.retention().toMillis();
            int pruned;
            do {
                pruned = store.write(tx -> tx.webhooks().prune(messagesBefore, attemptsBefore, PRUNE_BATCH));
            } while (pruned > 0 && !closed);
        } catch (RuntimeException e) {
            LOG.warn("webhook prune failed: {}", e.toString());
        }
    }

    /**
     * Stops sending: each sender ends after its attempt in flight (at most the answer time), then this server's
     * leases are given up. A sender still going after that keeps its lease, which then runs out by itself, so
     * that no other server starts on the endpoint while this one's attempt may still be in flight.
     */
    @Override
    public void close() {
        closed = true;
        ticker.shutdownNow();
        upkeep.shutdownNow();
        senders.shutdown();
        boolean stopped = false;
        try {
            stopped = senders.awaitTermination(settings.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deadlines.shutdownNow();
        if (!stopped) {
            LOG.warn("webhook senders still busy at stop; their leases run out by themselves");
            return;
        }
        try {
            store.write(tx -> {
                tx.webhooks().releaseAll(server);
                return Boolean.TRUE;
            });
        } catch (RuntimeException e) {
            LOG.warn("webhook leases not given up (they expire by themselves): {}", e.toString());
        }
    }
}
