package dev.tether.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench --copy-to}: {@code tether copy} of the benchmark's database, run as its own process with its own heap
 * limit, as an operator runs it: the rows a second of the whole command (the copy, its verification and the
 * target's invariant check) and the process's peak resident memory, which must not grow with the data.
 */
final class CopyBench {
    static final String ROW = "copy: the whole database, then verified (tether copy)";
    private static final Pattern DONE = Pattern.compile("copied and verified: \\d+ tables, ([\\d,]+) rows");

    private CopyBench() {
    }

    static BenchResult run(String from, String to, String maxHeap, Path log) throws IOException, InterruptedException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-cp", System.getProperty("java.class.path"), "dev.tether.cli.TetherCli",
                "copy", "--from", from, "--to", to);
        Files.createDirectories(log.getParent());
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long peakRss = 0;
        while (process.isAlive()) {
            peakRss = Math.max(peakRss, BenchServer.Memory.peakRssMb(process.pid()));
            Thread.sleep(50);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Matcher done = DONE.matcher(output);
        if (process.exitValue() != 0 || !done.find()) {
            throw new IllegalStateException("tether copy failed (exit " + process.exitValue() + "); see " + log);
        }
        long rows = Long.parseLong(done.group(1).replace(",", ""));
        return new BenchResult(ROW, "cli", 1, 1, rows, seconds, seconds * 1000, seconds * 1000, seconds * 1000, -1,
                peakRss);
    }
}
