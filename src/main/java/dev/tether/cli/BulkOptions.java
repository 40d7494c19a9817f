package dev.tether.cli;

import dev.tether.bulk.BulkClient;
import dev.tether.bulk.BulkJob;
import dev.tether.bulk.BulkRun;
import dev.tether.bulk.BulkStopped;
import dev.tether.bulk.NumberFile;
import dev.tether.bulk.Progress;
import dev.tether.bulk.RunState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every bulk command takes: the file and its column, the server and the account, where the report and the
 * state go, and how it shows progress. It runs the job and prints the outcome.
 */
final class BulkOptions {
    static final int MAX_BATCH = 1000;

    @Option(names = "--file", required = true, paramLabel = "FILE",
            description = "A CSV or a plain list of phone numbers, one a line; a first line without digits is a "
                    + "header.")
    Path file;

    @Option(names = "--column", paramLabel = "N", defaultValue = "1",
            description = "The column the number is in, from 1 (default ${DEFAULT-VALUE}).")
    int column;

    @Option(names = "--url", paramLabel = "BASE", defaultValue = "${env:TETHER_URL}",
            description = "The server's base URL, e.g. http://localhost:8080: any server speaking the API "
                    + "(env TETHER_URL).")
    String url;

    @Option(names = "--account", paramLabel = "ID", defaultValue = "${env:TETHER_ACCOUNT}",
            description = "Account id (env TETHER_ACCOUNT).")
    String account;

    @Option(names = "--passcode", paramLabel = "P", defaultValue = "${env:TETHER_PASSCODE}",
            description = "The account's passcode; the environment variable keeps it out of the process list "
                    + "(env TETHER_PASSCODE).")
    String passcode;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Where every line not processed goes, as line,value,code,error "
                    + "(default: beside the file, FILE.<command>-report.csv).")
    Path report;

    @Option(names = "--state", paramLabel = "FILE",
            description = "Where the run keeps its place (default: beside the file, FILE.<command>-state.json).")
    Path state;

    @Option(names = "--resume", description = "Go on from the state file, and refuse to run if there is none "
            + "(a run goes on from it anyway when it is there).")
    boolean resume;

    @Option(names = "--restart", description = "Forget the state file and start from the first line.")
    boolean restart;

    @Option(names = "--default-country", paramLabel = "CC",
            description = "Read numbers written without +country code as numbers of this country (US, IN, ...); "
                    + "without it they are reported as invalid.")
    String defaultCountry;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1000",
            description = "Numbers per request, 1 to 1000 (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--give-up-after", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long one batch is retried without an answer before the run stops (exit 75; run "
                    + "again to go on; default ${DEFAULT-VALUE}).")
    long giveUpAfterSeconds;

    @Option(names = "--progress", paramLabel = "auto|bar|lines|off", defaultValue = "auto",
            description = "A bar on a terminal, a line every 5 s otherwise (auto, the default), or as given.")
    String progress;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** Runs the job over the file; 0 when it reached the end (numbers not processed are in the report). */
    int run(BulkJob job, Optional<Integer> dateColumn, Optional<Path> results) {
        String slug = job.name().replace(" --", "-").replace(' ', '-');
        Path reportPath = report != null ? report : sibling(slug + "-report.csv");
        Path statePath = state != null ? state : sibling(slug + "-state.json");
        BulkRun.Setup setup = check(statePath, reportPath, results);
        Progress.Display display = display();
        PrintStream out = System.out;
        PrintStream err = System.err;
        BulkClient client = new BulkClient(url, account, passcode, Duration.ofSeconds(giveUpAfterSeconds),
                notice -> err.println("tether " + job.name() + ": " + notice));
        NumberFile numbers = new NumberFile(file, column, dateColumn);
        BulkRun run = new BulkRun(job, numbers, client, setup);
        Thread interrupted = new Thread(() -> err.println("tether " + job.name() + ": stopped; " + run.stop()
                + "; run the same command again to go on"));
        Runtime.getRuntime().addShutdownHook(interrupted);
        try {
            BulkRun.Summary summary = run.run((total, done) -> new Progress(job.name(), total, done, display, err),
                    notice -> err.println("tether " + job.name() + ": " + notice));
            if (summary.alreadyFinished()) {
                out.println("tether " + job.name() + ": this file was done already (" + statePath
                        + "); --restart runs it again");
            }
            out.println("tether " + job.name() + ": " + summary.describe() + " (report: " + reportPath + ")"
                    + results.map(path -> ", results: " + path).orElse(""));
            return 0;
        } catch (BulkStopped e) {
            if (run.stopped()) {
                return e.exitCode(); // the signal's hook said where the run stands
            }
            err.println("tether " + job.name() + ": " + e.getMessage() + "; " + RunState.describe(statePath)
                    + (e.exitCode() == 75 ? "; run the same command again to go on" : ""));
            return e.exitCode();
        } finally {
            // the hook speaks only for a run the JVM stops (Ctrl-C, SIGTERM); one that ended says so itself
            try {
                Runtime.getRuntime().removeShutdownHook(interrupted);
            } catch (IllegalStateException stopping) {
                // the JVM is stopping: the hook runs, or ran, and said where the run stands
            }
        }
    }

    private BulkRun.Setup check(Path statePath, Path reportPath, Optional<Path> results) {
        if (url == null || account == null || passcode == null) {
            throw new ParameterException(spec.commandLine(), "give --url, --account and --passcode (or TETHER_URL, "
                    + "TETHER_ACCOUNT and TETHER_PASSCODE)");
        }
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new ParameterException(spec.commandLine(), "--url must start with http:// or https://");
        }
        if (batchSize < 1 || batchSize > MAX_BATCH) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be 1 to " + MAX_BATCH);
        }
        if (column < 1) {
            throw new ParameterException(spec.commandLine(), "--column counts from 1");
        }
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), "no such file: " + file);
        }
        if (resume && restart) {
            throw new ParameterException(spec.commandLine(), "--resume and --restart exclude each other");
        }
        if (resume && !Files.exists(statePath)) {
            throw new ParameterException(spec.commandLine(), "--resume: there is no state file " + statePath);
        }
        return new BulkRun.Setup(url, account, column, batchSize, statePath, reportPath, results, restart);
    }

    /**
     * Whether the progress's stream, stderr, is a terminal: on Linux, what file descriptor 2 points at. Where that
     * cannot be read (no /proc), whether the process has a console, which asks the same of stdin and stdout.
     */
    private static boolean stderrIsATerminal() {
        Path stderr = Path.of("/proc/self/fd/2");
        try {
            String target = Files.readSymbolicLink(stderr).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException noProc) {
            return System.console() != null;
        }
    }

    Optional<String> defaultCountry() {
        return Optional.ofNullable(defaultCountry);
    }

    /** A file beside the input: {@code numbers.csv.disassociate-report.csv}. */
    Path sibling(String suffix) {
        return file.resolveSibling(file.getFileName() + "." + suffix);
    }

    private Progress.Display display() {
        switch (progress.toLowerCase(Locale.ROOT)) {
            case "bar": return Progress.Display.BAR;
            case "lines": return Progress.Display.LINES;
            case "off": return Progress.Display.OFF;
            case "auto": return stderrIsATerminal() ? Progress.Display.BAR : Progress.Display.LINES;
            default: throw new ParameterException(spec.commandLine(), "--progress must be auto, bar, lines or off");
        }
    }
}
