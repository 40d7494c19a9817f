package dev.tether.testing;

import dev.tether.cli.TetherCli;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The tether command run as a real process, on the test class path. */
public final class TetherProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("tether ready on http://localhost:(\\d+)");

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private TetherProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    public static TetherProcess start(Path workDir, String... args) {
        return start(List.of(), workDir, args);
    }

    /** With the log at the level a deployment has (the tests' own logging configuration keeps only warnings). */
    public static TetherProcess startLogging(Path workDir, String... args) {
        return start(List.of("-Dtether.log.level=info"), workDir, args);
    }

    public static TetherProcess start(List<String> jvmOptions, Path workDir, String... args) {
        return start(jvmOptions, Map.of(), workDir, args);
    }

    /** With these environment variables set for the process, as an operator's service file would. */
    public static TetherProcess start(List<String> jvmOptions, Map<String, String> environment, Path workDir,
                                      String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), TetherCli.class.getName()));
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
            builder.environment().putAll(environment);
            return new TetherProcess(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the ready line and returns the port it names. */
    public int awaitReady() throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            for (String line : lines) {
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    int port = Integer.parseInt(m.group(1));
                    OpenApiDocument.servedAt(port);
                    return port;
                }
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("server did not get ready:\n" + String.join("\n", lines));
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /**
     * Waits until one of the process's threads runs the given method, read from its thread dump ({@code jcmd}): a
     * signal that a request has reached that point, instead of a guess at how long it takes.
     */
    public void awaitThreadIn(String method) throws InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        for (int i = 0; i < 200; i++) {
            try {
                Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                        .redirectErrorStream(true).start();
                String threads = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                dump.waitFor();
                if (threads.contains(method)) {
                    return;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no thread of the process reached " + method);
    }

    /** Waits until the process has printed a line containing the text. */
    public void awaitLine(String text) throws InterruptedException {
        for (int i = 0; i < 600 && lines.stream().noneMatch(l -> l.contains(text)); i++) {
            Thread.sleep(50);
        }
        if (lines.stream().noneMatch(l -> l.contains(text))) {
            throw new IllegalStateException("the process never printed \"" + text + "\":\n" + String.join("\n", lines));
        }
    }

    /** Sends SIGTERM without waiting (through the handle: Process.destroy would close our pipes). */
    public void signalTerm() {
        process.toHandle().destroy();
    }

    /** Sends SIGTERM and waits for the exit code (through the handle: Process.destroy would close our pipes). */
    public int terminate() throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("did not stop on SIGTERM");
        }
        for (int i = 0; i < 50 && lines.stream().noneMatch(l -> l.contains("tether stopped")); i++) {
            Thread.sleep(100);
        }
        return process.exitValue();
    }

    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("did not exit");
        }
        Thread.sleep(100);
        return process.exitValue();
    }

    /** SIGKILL: the process ends at once, mid-request if need be, as in a crash. Waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("did not die on SIGKILL");
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
