package dev.tether.cli;

import dev.tether.webhook.SecretBox;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The webhook key file: the AES key the endpoints' secrets are sealed with in the database. It lives outside the
 * database (by default in the data folder, beside an SQLite file but never inside it; a PostgreSQL fleet copies it
 * to every server), so that a dump of the database alone cannot sign messages.
 */
final class WebhookKeyOption {
    @Option(names = "--webhook-key-file", paramLabel = "FILE", defaultValue = "${env:TETHER_WEBHOOK_KEY_FILE}",
            description = "The key the webhook secrets are sealed with; made by the first 'webhook add' "
                    + "(env TETHER_WEBHOOK_KEY_FILE, default: webhook.key in the data folder).")
    Optional<Path> keyFile;

    SecretBox secrets(DatabaseOptions database) {
        return new SecretBox(keyFile.orElse(database.data.resolve("webhook.key")));
    }
}
