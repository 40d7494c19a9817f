package dev.tether.cli;

import dev.tether.webhook.WebhookConfig;
import dev.tether.webhook.WebhookSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** How a server delivers webhooks; the 10 s an endpoint has to answer is API.md's and fixed. */
final class WebhookOptions {
    @Mixin
    WebhookKeyOption key;

    @Option(names = "--webhook-senders", paramLabel = "N", defaultValue = "${env:TETHER_WEBHOOK_SENDERS:-16}",
            description = "Endpoints this server delivers to at once; a slow endpoint holds one "
                    + "(env TETHER_WEBHOOK_SENDERS, default ${DEFAULT-VALUE}).")
    int senders;

    @Option(names = "--webhook-lease", paramLabel = "SECONDS", defaultValue = "${env:TETHER_WEBHOOK_LEASE:-30}",
            description = "How long a server holds an endpoint it delivers to; after a kill -9 its endpoints wait "
                    + "this long for another server or its restart; at least 15 (env TETHER_WEBHOOK_LEASE, "
                    + "default ${DEFAULT-VALUE}).")
    long leaseSeconds;

    @Option(names = "--webhook-retries", paramLabel = "PAUSES", split = ",",
            defaultValue = "${env:TETHER_WEBHOOK_RETRIES:-5s,5m,30m,2h,5h,10h}",
            description = "The pauses before each retry of a message not delivered (with 20%% jitter); after the "
                    + "last one it is given up (env TETHER_WEBHOOK_RETRIES, default ${DEFAULT-VALUE}).")
    List<String> retries;

    @Option(names = "--webhook-retention-days", paramLabel = "DAYS",
            defaultValue = "${env:TETHER_WEBHOOK_RETENTION_DAYS:-7}",
            description = "How long delivered messages and delivery attempts are kept "
                    + "(env TETHER_WEBHOOK_RETENTION_DAYS, default ${DEFAULT-VALUE}).")
    long retentionDays;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    WebhookConfig config(DatabaseOptions database) {
        WebhookSettings settings;
        try {
            if (retentionDays < 1) {
                throw new IllegalArgumentException("--webhook-retention-days must be at least 1");
            }
            settings = WebhookSettings.defaults().withRetries(pauses(retries)).withSenders(senders).withLease(Duration.ofSeconds(leaseSeconds))
                    .withRetention(Duration.ofDays(retentionDays));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return new WebhookConfig(key.secrets(database), settings);
    }

    private static final Pattern PAUSE = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    /** Pauses written as a number and a unit: 500ms, 5s, 5m, 2h, 1d. */
    static List<Duration> pauses(List<String> written) {
        List<Duration> pauses = new ArrayList<>();
        for (String pause : written) {
            Matcher matcher = PAUSE.matcher(pause.trim());
            if (!matcher.matches()) {
                throw new IllegalArgumentException("--webhook-retries: '" + pause + "' is not a pause such as 500ms,"
                        + " 5s, 5m, 2h or 1d");
            }
            long amount = Long.parseLong(matcher.group(1));
            pauses.add(switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            });
        }
        return pauses;
    }
}
