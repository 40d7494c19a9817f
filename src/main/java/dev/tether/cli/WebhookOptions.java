package dev.tether.cli;

import dev.tether.webhook.WebhookConfig;
import dev.tether.webhook.WebhookSettings;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** How a server delivers webhooks; the retry schedule and the 10 s answer time are API.md's and fixed. */
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
            settings = WebhookSettings.defaults().withSenders(senders).withLease(Duration.ofSeconds(leaseSeconds))
                    .withRetention(Duration.ofDays(retentionDays));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return new WebhookConfig(key.secrets(database), settings);
    }
}
