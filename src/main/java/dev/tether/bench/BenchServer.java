package dev.tether.bench;

import dev.tether.config.Limits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server under test: {@code tether serve} in a process of its own (its own JVM, heap limit and RSS), on the
 * database the benchmark loaded. Its output goes to a log file in the report folder.
 */
final class BenchServer implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("tether ready on http://localhost:(\\d+)");
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final Process process;
    private final int port;

    private BenchServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts {@code tether serve} on the database. The per-account limit on concurrent batch requests is raised to
     * the number of clients when that is higher (it is 15 by default): the benchmark measures the server's
     * capacity, and at 16 clients the default limit would answer some of them 429.
     */
    static BenchServer start(String jdbcUrl, String maxHeap, int clients, Path log, Path webhookKeyFile,
                             List<String> moreOptions) throws IOException, InterruptedException {
        int batchLimit = Math.max(Limits.defaults().concurrentBatchRequests(), clients);
        List<String> command = new ArrayList<>(List.of(javaHome("java"), "-Xmx" + maxHeap,
                "-cp", System.getProperty("java.class.path"), "dev.tether.cli.TetherCli",
                "serve", "--port", "0", "--host", "127.0.0.1", "--db", jdbcUrl,
                "--concurrent-batch-limit", Integer.toString(batchLimit),
                "--webhook-key-file", webhookKeyFile.toString()));
        command.addAll(moreOptions);
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        for (int i = 0; i < 1200 && process.isAlive(); i++) {
            Matcher ready = READY.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (ready.find()) {
                return new BenchServer(process, Integer.parseInt(ready.group(1)));
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the server did not start; see " + log);
    }

    private static String javaHome(String tool) {
        return Path.of(System.getProperty("java.home"), "bin", tool).toString();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    /** Resident memory of the server process, from /proc. */
    long rssMb() {
        return Memory.rssMb(process.pid());
    }

    /**
     * Heap in use in the server's JVM: the sum of its heap pools from its {@code /metrics} (a request, not a JVM
     * start), or as jcmd reports it when the server runs with metrics off; -1 when neither can tell.
     */
    long heapUsedMb() {
        OptionalDouble pools = metricSum("jvm_memory_used_bytes", "area=\"heap\"");
        if (pools.isPresent()) {
            return Math.round(pools.getAsDouble() / (1024 * 1024));
        }
        try {
            Process jcmd = new ProcessBuilder(javaHome("jcmd"), Long.toString(process.pid()), "GC.heap_info")
                    .redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor(10, TimeUnit.SECONDS);
            Matcher used = HEAP_USED.matcher(out);
            return used.find() ? Long.parseLong(used.group(1)) / 1024 : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * The sum of the series of one metric of the server's {@code /metrics}, those whose labels include this text
     * (empty for all); empty when the server has metrics off, cannot be asked, or has no such series.
     */
    OptionalDouble metricSum(String name, String label) {
        try {
            HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/metrics"))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (metrics.statusCode() != 200) {
                return OptionalDouble.empty();
            }
            double sum = 0;
            boolean found = false;
            for (String line : metrics.body().split("\n", -1)) {
                boolean labelled = line.startsWith(name + "{") && line.substring(0, line.indexOf('}') + 1)
                        .contains(label);
                if (labelled || label.isEmpty() && line.startsWith(name + " ")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    found = true;
                }
            }
            return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalDouble.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalDouble.empty();
        }
    }

    /** Heap in use in the server's JVM right after a full collection: what it holds on to, without garbage. */
    long heapLiveMb() {
        try {
            Process gc = new ProcessBuilder(javaHome("jcmd"), Long.toString(process.pid()), "GC.run")
                    .redirectErrorStream(true).start();
            gc.getInputStream().readAllBytes();
            gc.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
        return heapUsedMb();
    }

    /** SIGTERM, as an operator stops it: requests in flight finish, the database is closed. */
    @Override
    public void close() {
        process.toHandle().destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Memory figures of processes, read from /proc. */
    static final class Memory {
        private Memory() {
        }

        /** The process's peak resident memory so far (VmHWM), from /proc; -1 when it cannot be read. */
        static long peakRssMb(long pid) {
            return statusMb(pid, "VmHWM:");
        }

        static long rssMb(long pid) {
            return statusMb(pid, "VmRSS:");
        }

        private static long statusMb(long pid, String field) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith(field)) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                    }
                }
            } catch (IOException | NumberFormatException | UncheckedIOException e) {
                return -1;
            }
            return -1;
        }
    }
}
