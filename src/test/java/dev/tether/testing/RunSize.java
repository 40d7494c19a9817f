package dev.tether.testing;

/**
 * The reliability tests run short in the README's test command and long on request:
 * {@code ./mvnw -B test -Dtether.reliability=full -Dtest='dev.tether.reliability.*Test'} (see docs/RELIABILITY.md).
 */
public final class RunSize {
    private RunSize() {
    }

    public static boolean full() {
        return "full".equals(System.getProperty("tether.reliability"));
    }

    public static int pick(int shortRun, int fullRun) {
        return full() ? fullRun : shortRun;
    }
}
