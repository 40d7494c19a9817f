package dev.tether.cli;

import dev.tether.http.RequestLog;
import dev.tether.http.Telemetry;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** What the server tells its operators: metrics, the log's format, which requests the request log keeps. */
final class TelemetryOptions {
    @Option(names = "--metrics", paramLabel = "on|off", defaultValue = "${env:TETHER_METRICS:-on}",
            description = "Serve GET /metrics (Prometheus text format) and measure requests for it "
                    + "(env TETHER_METRICS, default ${DEFAULT-VALUE}).")
    String metrics;

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "${env:TETHER_LOG_FORMAT:-text}",
            description = "The log on stderr: text lines, or one JSON object a line "
                    + "(env TETHER_LOG_FORMAT, default ${DEFAULT-VALUE}).")
    String logFormat;

    @Option(names = "--request-log", paramLabel = "off|sampled|all", defaultValue = "${env:TETHER_REQUEST_LOG:-all}",
            description = "Which requests get a log line: none, every error and slow request and 1 in 100 of the "
                    + "rest, or all (env TETHER_REQUEST_LOG, default ${DEFAULT-VALUE}).")
    String requestLog;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** Sets the log's format (before the server starts) and answers what the server is to do. */
    Telemetry apply() {
        try {
            LogFormat.parse(logFormat).apply();
            return new Telemetry(onOff(metrics), RequestLog.parse(requestLog));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), String.valueOf(e.getMessage()), e);
        }
    }

    private static boolean onOff(String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "on": return true;
            case "off": return false;
            default: throw new IllegalArgumentException("--metrics must be on or off, not '" + value + "'");
        }
    }
}
