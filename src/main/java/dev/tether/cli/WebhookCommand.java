package dev.tether.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.store.DeliveryAttempt;
import dev.tether.store.Store;
import dev.tether.store.StoredEndpoint;
import dev.tether.webhook.WebhookService;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "webhook", mixinStandardHelpOptions = true,
        description = "Adds, lists and removes an account's webhook endpoints, and shows their delivery attempts.",
        subcommands = {WebhookCommand.Add.class, WebhookCommand.ListEndpoints.class, WebhookCommand.Remove.class,
                WebhookCommand.Pause.class, WebhookCommand.Resume.class, WebhookCommand.Deliveries.class})
final class WebhookCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What every subcommand takes: the database, the key file and the account. */
    static final class Target {
        @Mixin
        DatabaseOptions database;

        @Mixin
        WebhookKeyOption key;

        @Mixin
        AccountOption account;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        WebhookService service(Store store) {
            return new WebhookService(store, key.secrets(database), Clock.systemUTC());
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Adds an endpoint: it gets the messages of the changes that commit from now on. Prints "
                    + "its signing secret, shown only now.")
    static final class Add implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--url", required = true, paramLabel = "URL", description = "An http or https URL.")
        String url;

        @Option(names = "--events", paramLabel = "TYPES", split = ",",
                description = "The message types to send (default: all): identity.bound, identity.unbound, "
                        + "profile.merged, profile.demerged, profile.deleted, profile.merge_refused, "
                        + "subscription.changed.")
        List<String> events = List.of();

        @Override
        public Integer call() throws Exception {
            try (Store store = target.database.open()) {
                WebhookService.Added added = target.service(store).add(target.account.id, url, events);
                if (target.json) {
                    ObjectNode out = describe(added.endpoint());
                    out.put("secret", added.secret());
                    System.out.println(JSON.writeValueAsString(out));
                } else {
                    System.out.println("endpoint id: " + added.endpoint().endpointId());
                    System.out.println("url:         " + added.endpoint().url());
                    System.out.println("events:      " + types(added.endpoint()));
                    System.out.println("secret:      " + added.secret() + "   (shown only now; keep it)");
                }
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the account's endpoints with how far each has got.")
    static final class ListEndpoints implements Callable<Integer> {
        @Mixin
        Target target;

        @Override
        public Integer call() throws Exception {
            try (Store store = target.database.open()) {
                List<StoredEndpoint> endpoints = target.service(store).list(target.account.id);
                if (target.json) {
                    System.out.println(JSON.writeValueAsString(endpoints.stream().map(WebhookCommand::describe)
                            .toList()));
                    return 0;
                }
                System.out.printf("%-38s %-18s %-8s %-7s %-40s %s%n", "ENDPOINT", "POSITION", "FAILING", "PAUSED",
                        "EVENTS", "URL");
                for (StoredEndpoint e : endpoints) {
                    System.out.printf("%-38s %-18d %-8s %-7s %-40s %s%n", e.endpointId(), e.deliveredSeq(),
                            e.attempts() == 0 ? "-" : e.attempts() + "x", e.pausedAt().isPresent() ? "yes" : "-",
                            types(e), e.url());
                }
            }
            return 0;
        }
    }

    /** A change to one endpoint of the account: it prints what it did, or that the account has no such endpoint. */
    abstract static class EndpointChange implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--endpoint", required = true, paramLabel = "ID", description = "The endpoint's id.")
        String endpoint;

        /** Makes the change; false when the account has no such endpoint. */
        abstract boolean change(WebhookService webhooks, String accountId, String endpointId);

        /** What was done, as printed: "removed", "paused"... */
        abstract String done();

        @Override
        public Integer call() throws Exception {
            try (Store store = target.database.open()) {
                if (!change(target.service(store), target.account.id, endpoint)) {
                    System.err.println("tether: account " + target.account.id + " has no endpoint " + endpoint);
                    return 1;
                }
                System.out.println(done() + " " + endpoint);
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Removes an endpoint; messages only it still had to get are dropped.")
    static final class Remove extends EndpointChange {
        @Override
        boolean change(WebhookService webhooks, String accountId, String endpointId) {
            return webhooks.remove(accountId, endpointId);
        }

        @Override
        String done() {
            return "removed";
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Pauses an endpoint: its messages wait, in order, until it is resumed.")
    static final class Pause extends EndpointChange {
        @Override
        boolean change(WebhookService webhooks, String accountId, String endpointId) {
            return webhooks.pause(accountId, endpointId);
        }

        @Override
        String done() {
            return "paused";
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Resumes an endpoint and sends its next message now, also one waiting for a retry.")
    static final class Resume extends EndpointChange {
        @Override
        boolean change(WebhookService webhooks, String accountId, String endpointId) {
            return webhooks.resume(accountId, endpointId);
        }

        @Override
        String done() {
            return "resumed";
        }
    }

    @Command(name = "deliveries", mixinStandardHelpOptions = true,
            description = "Shows the newest delivery attempts, newest first, with their status and error.")
    static final class Deliveries implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--endpoint", paramLabel = "ID", description = "Only this endpoint's attempts.")
        Optional<String> endpoint;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
                description = "How many attempts (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() throws Exception {
            try (Store store = target.database.open()) {
                List<DeliveryAttempt> attempts = target.service(store).deliveries(target.account.id, endpoint, limit);
                if (target.json) {
                    System.out.println(JSON.writeValueAsString(attempts.stream().map(WebhookCommand::describe)
                            .toList()));
                    return 0;
                }
                System.out.printf("%-24s %-38s %-36s %-22s %-7s %-9s %-6s %s%n", "TIME", "ENDPOINT", "MESSAGE",
                        "TYPE", "ATTEMPT", "OUTCOME", "STATUS", "ERROR");
                for (DeliveryAttempt a : attempts) {
                    System.out.printf("%-24s %-38s %-36s %-22s %-7d %-9s %-6s %s%n",
                            Instant.ofEpochMilli(a.attemptedAt()), a.endpointId(), a.messageId(), a.type(),
                            a.attempt(), a.outcome(), a.httpStatus().isPresent() ? a.httpStatus().getAsInt() : "-",
                            a.error().orElse(""));
                }
            }
            return 0;
        }
    }

    private static String types(StoredEndpoint endpoint) {
        return endpoint.types().isEmpty() ? "all" : String.join(",", endpoint.types());
    }

    private static ObjectNode describe(StoredEndpoint endpoint) {
        ObjectNode out = JSON.createObjectNode();
        out.put("endpointId", endpoint.endpointId());
        out.put("accountId", endpoint.accountId());
        out.put("url", endpoint.url());
        out.putPOJO("events", endpoint.types().isEmpty() ? List.of() : endpoint.types());
        out.put("createdAt", endpoint.createdAt());
        out.put("deliveredSeq", endpoint.deliveredSeq());
        out.put("failedAttempts", endpoint.attempts());
        if (endpoint.pausedAt().isPresent()) {
            out.put("pausedAt", Instant.ofEpochSecond(endpoint.pausedAt().getAsLong()).toString());
        } else {
            out.putNull("pausedAt");
        }
        return out;
    }

    private static ObjectNode describe(DeliveryAttempt attempt) {
        ObjectNode out = JSON.createObjectNode();
        out.put("endpointId", attempt.endpointId());
        out.put("messageId", attempt.messageId());
        out.put("type", attempt.type());
        out.put("seq", attempt.seq());
        out.put("attempt", attempt.attempt());
        out.put("attemptedAt", Instant.ofEpochMilli(attempt.attemptedAt()).toString());
        out.put("durationMs", attempt.durationMs());
        if (attempt.httpStatus().isPresent()) {
            out.put("status", attempt.httpStatus().getAsInt());
        } else {
            out.putNull("status");
        }
        out.put("outcome", attempt.outcome());
        out.put("error", attempt.error().orElse(null));
        return out;
    }
}
