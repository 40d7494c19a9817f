package dev.tether.bulk;

import java.io.PrintStream;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A run's progress in lines of the file, with the rate and the time left: a bar redrawn in place on a terminal,
 * and on anything else (a log, a pipe, CI) a plain line every {@value #PLAIN_EVERY_MS} ms.
 */
public final class Progress implements AutoCloseable {
    static final int PLAIN_EVERY_MS = 5000;
    private final ProgressBar bar;
    /** Whether the line of the end was printed: the bar draws it at its last refresh and again as it closes. */
    private volatile boolean endPrinted;

    /** How progress is shown: a bar redrawn in place, a plain line now and then, or not at all. */
    public enum Display { BAR, LINES, OFF }

    public Progress(String task, long totalLines, long linesDone, Display display, PrintStream out) {
        ProgressBarBuilder builder = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(totalLines)
                .setUnit(" lines", 1)
                .showSpeed()
                .setSpeedUnit(ChronoUnit.SECONDS)
                .startsFrom(linesDone, Duration.ZERO);
        switch (display) {
            case BAR -> builder.setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(out));
            case LINES -> builder.setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(PLAIN_EVERY_MS)
                    .setConsumer(new DelegatingProgressBarConsumer(line -> printOnce(line, out), 100));
            case OFF -> builder.setUpdateIntervalMillis(60_000).setConsumer(new DelegatingProgressBarConsumer(
                    line -> { }));
        }
        this.bar = builder.build();
    }

    /** Prints a drawn line, but the end's (100%) once: judged by the line itself, drawn before it is handed here. */
    private void printOnce(String line, PrintStream out) {
        boolean end = line.contains(" 100% ");
        if (end && endPrinted) {
            return;
        }
        endPrinted = end;
        out.println(line);
    }

    void at(long line) {
        bar.stepTo(line);
    }

    @Override
    public void close() {
        bar.close();
    }
}
