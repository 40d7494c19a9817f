package dev.tether.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.store.StorageUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each account's share of the writers, stepped with threads that hold their unit until the test lets them go. */
class WriteSharesTest {
    private final List<String> entered = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<CountDownLatch> releases = new ArrayList<>();

    @AfterEach
    void releaseAll() throws InterruptedException {
        releases.forEach(CountDownLatch::countDown);
        for (Thread thread : threads) {
            thread.join(5_000);
        }
    }

    @Test
    void anAccountAlone_runsAsManyUnitsAsThereAreConnections() throws Exception {
        WriteShares shares = accountAHoldingEveryOneOf(4);
        Thread fifth = start(shares, "A", "A5");
        awaitWaiting(fifth);
        assertThat(entered).as("no connection left for a fifth").hasSize(4);
    }

    /**
     * An account holds every connection (its units waiting for each other's row locks, say); another account's unit
     * waits, after the first account's next one. When one of the first account's units ends, the other account's unit
     * goes in, not the first account's next one, which is over its share (half the connections) while another account
     * waits; once nobody else waits, it goes in.
     */
    @Test
    void whileAnotherAccountWaits_anAccountOverItsShareGivesWay() throws Exception {
        WriteShares shares = accountAHoldingEveryOneOf(4);
        // the busy account's next unit waits first: in arrival order it would go in first
        Thread next = start(shares, "A", "A5");
        awaitWaiting(next);
        Thread other = start(shares, "B", "B1");
        awaitWaiting(other);
        assertThat(shares.waiting()).as("the gauge of writes waiting (tether_writes_waiting)").isEqualTo(2);
        releases.get(0).countDown();
        awaitEntered(5);
        assertThat(shares.waiting()).isEqualTo(1);
        assertThat(entered.get(4)).as("the other account's unit, not the busy account's fifth").isEqualTo("B1");
        assertThat(entered).as("every connection taken again").hasSize(5).doesNotContain("A5");
        releases.get(1).countDown();
        awaitEntered(6);
        assertThat(entered.get(5)).as("nobody else waiting: the busy account takes the free connection, over its share")
                .isEqualTo("A5");
        assertThat(shares.waiting()).isZero();
    }

    /**
     * Three connections, a share of one: A, B and C run a unit each, A and B have another waiting. When C's ends, A
     * and B are each at their share, and neither may keep the free connection from the other's: one of them goes in.
     */
    @Test
    void twoAccountsAtTheirShare_leaveNoConnectionFree() throws Exception {
        // a wait longer than the test's: a waiter that gives up would let the other in
        WriteShares shares = new WriteShares(3, Duration.ofSeconds(60));
        start(shares, "A", "A1");
        start(shares, "B", "B1");
        start(shares, "C", "C1");
        awaitEntered(3);
        awaitWaiting(start(shares, "A", "A2"));
        awaitWaiting(start(shares, "B", "B2"));
        releases.get(2).countDown();
        awaitEntered(4);
        assertThat(entered.get(3)).isIn("A2", "B2");
    }

    @Test
    void aUnitThatFails_givesItsConnectionBack() {
        WriteShares shares = new WriteShares(1, Duration.ofMillis(200));
        assertThatThrownBy(() -> shares.run("A", () -> {
            throw new IllegalStateException("the unit failed");
        })).hasMessage("the unit failed");
        assertThat(shares.run("B", () -> "in")).isEqualTo("in");
    }

    @Test
    void aUnitThatCannotEnterWithinTheWait_answersThatTheDatabaseIsBusy() throws Exception {
        WriteShares shares = new WriteShares(1, Duration.ofMillis(200));
        start(shares, "A", "A1");
        awaitEntered(1);
        assertThatThrownBy(() -> shares.run("B", () -> "never")).isInstanceOf(StorageUnavailableException.class)
                .hasMessageContaining("busy");
        assertThat(shares.waiting()).as("the write that gave up waits no more").isZero();
        releases.get(0).countDown();
        assertThat(shares.run("B", () -> "in")).as("and the next one goes in").isEqualTo("in");
    }

    /** Shares of this many connections, account A running a unit on each (A1, A2, ...), held. */
    private WriteShares accountAHoldingEveryOneOf(int connections) throws InterruptedException {
        WriteShares shares = new WriteShares(connections, Duration.ofSeconds(5));
        for (int i = 1; i <= connections; i++) {
            start(shares, "A", "A" + i);
        }
        awaitEntered(connections);
        return shares;
    }

    /** A thread whose unit notes that it entered, then holds until its release is counted down. */
    private Thread start(WriteShares shares, String account, String name) {
        CountDownLatch release = new CountDownLatch(1);
        releases.add(release);
        Thread thread = new Thread(() -> shares.run(account, () -> {
            entered.add(name);
            try {
                return release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }), name);
        threads.add(thread);
        thread.start();
        return thread;
    }

    private void awaitEntered(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (entered.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(entered).hasSizeGreaterThanOrEqualTo(count);
    }

    /** Until the thread waits to enter (parked on the shares' condition, not holding its unit). */
    private void awaitWaiting(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!waitingToEnter(thread) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(waitingToEnter(thread)).as(thread.getName() + " waits to enter").isTrue();
    }

    private boolean waitingToEnter(Thread thread) {
        Thread.State state = thread.getState();
        return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
                && !entered.contains(thread.getName());
    }
}
