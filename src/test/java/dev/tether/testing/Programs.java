package dev.tether.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs real client programs and the tools they need (node, npm, python3, curl...). */
public final class Programs {
    private Programs() {
    }

    public record Result(int exitCode, String output) {
    }

    public static Result run(Path dir, List<String> command) {
        try {
            Path log = Files.createTempFile("tether-program-", ".log");
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.delete(log);
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether a tool runs here, asked the way a user would: by running it. */
    public static boolean available(String... probe) {
        try {
            Process process = new ProcessBuilder(probe).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The first Python that has the requests library, if any. */
    public static Optional<String> pythonWithRequests() {
        for (String python : List.of("python3", "/usr/bin/python3", "python")) {
            if (available(python, "-c", "import requests")) {
                return Optional.of(python);
            }
        }
        return Optional.empty();
    }

    private static Path nodeProject;

    /** Runs a program that must succeed and returns what it printed. */
    public static String output(Path dir, List<String> command) {
        Result result = run(dir, command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(command + " failed:\n" + result.output());
        }
        return result.output();
    }

    private static final List<String> NODE_FILES = List.of("package.json", "package-lock.json",
            "clevertap-client.js", "clevertap-profile-api.js", "standardwebhooks-receiver.js", "openapi-validate.js");

    /**
     * src/test/node installed into target/node-client with npm ci, again only when one of its files changed. The
     * test JVMs of one run (two at once) take turns through a file lock, so none installs while another's programs
     * use node_modules.
     */
    public static synchronized Path nodeProject() {
        if (nodeProject != null) {
            return nodeProject;
        }
        Path target = Path.of("target", "node-client").toAbsolutePath();
        try {
            Files.createDirectories(target);
            try (FileChannel channel = FileChannel.open(target.resolveSibling("node-client.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock ignored = channel.lock()) {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                for (String file : NODE_FILES) {
                    digest.update(Files.readAllBytes(Path.of("src", "test", "node", file)));
                }
                String stamp = HexFormat.of().formatHex(digest.digest());
                Path installed = target.resolve(".installed");
                if (!Files.exists(installed) || !Files.readString(installed).equals(stamp)) {
                    for (String file : NODE_FILES) {
                        Files.copy(Path.of("src", "test", "node", file), target.resolve(file),
                                StandardCopyOption.REPLACE_EXISTING);
                    }
                    Result install = run(target, List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"));
                    if (install.exitCode() != 0) {
                        throw new IllegalStateException("npm ci failed:\n" + install.output());
                    }
                    Files.writeString(installed, stamp);
                }
            }
            nodeProject = target;
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
