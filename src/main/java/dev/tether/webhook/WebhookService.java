package dev.tether.webhook;

import dev.tether.account.UnknownAccountException;
import dev.tether.audit.Attribution;
import dev.tether.identity.Guids;
import dev.tether.store.DeliveryAttempt;
import dev.tether.store.ReadTx;
import dev.tether.store.Store;
import dev.tether.store.StoredEndpoint;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/** An account's webhook endpoints: added with a secret shown once, listed, removed, and their delivery attempts. */
public final class WebhookService {
    private final Store store;
    private final SecretBox secrets;
    private final Clock clock;

    public WebhookService(Store store, SecretBox secrets, Clock clock) {
        this.store = store;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** An endpoint just added, with its secret: the only time the secret is given out. */
    public record Added(StoredEndpoint endpoint, String secret) {
    }

    /**
     * Adds an endpoint for the account: it gets the messages of the changes that commit from now on, of the given
     * types (none named: every type).
     */
    public Added add(String accountId, String url, List<String> types) {
        String checkedUrl = checkUrl(url);
        List<String> checkedTypes = types.stream().map(String::trim).filter(t -> !t.isEmpty()).distinct()
                .peek(WebhookService::checkType).toList();
        String endpointId = "ep_" + Guids.newGuid();
        String secret = WebhookSecret.generate();
        String sealed = secrets.seal(endpointId, secret);
        StoredEndpoint endpoint = store.write(tx -> {
            requireAccount(tx, accountId);
            long now = clock.instant().getEpochSecond();
            // the URL without its query and fragment, which may carry a receiver's token
            tx.audit().insert(accountId, Attribution.commandEntry("tether webhook add (" + endpointId + ", "
                    + checkedUrl.replaceFirst("[?#].*", "") + ")", now));
            return tx.webhooks().addEndpoint(new StoredEndpoint(endpointId, accountId, checkedUrl, checkedTypes,
                    sealed, now, 0, 0, 0, OptionalLong.empty()));
        });
        return new Added(endpoint, secret);
    }

    public List<StoredEndpoint> list(String accountId) {
        return store.read(tx -> {
            requireAccount(tx, accountId);
            return tx.webhooks().endpoints(accountId);
        });
    }

    /** Removes an endpoint and its attempts; messages only it still had to deliver are pruned later. */
    public boolean remove(String accountId, String endpointId) {
        return store.write(tx -> {
            requireAccount(tx, accountId);
            boolean changed = tx.webhooks().removeEndpoint(accountId, endpointId);
            if (changed) {
                tx.audit().insert(accountId, Attribution.commandEntry("tether webhook remove (" + endpointId + ")",
                        clock.instant().getEpochSecond()));
            }
            return changed;
        });
    }

    /**
     * Pauses an endpoint (a receiver under maintenance): its messages wait in the outbox, in order, until it is
     * resumed. False when the account has no such endpoint.
     */
    public boolean pause(String accountId, String endpointId) {
        return store.write(tx -> {
            requireAccount(tx, accountId);
            boolean changed = tx.webhooks().pause(accountId, endpointId, clock.instant().getEpochSecond());
            if (changed) {
                tx.audit().insert(accountId, Attribution.commandEntry("tether webhook pause (" + endpointId + ")",
                        clock.instant().getEpochSecond()));
            }
            return changed;
        });
    }

    /**
     * Resumes an endpoint, and sends its next message now: also one waiting for its next retry (a receiver that
     * was fixed need not wait hours for the retry schedule). False when the account has no such endpoint.
     */
    public boolean resume(String accountId, String endpointId) {
        return store.write(tx -> {
            requireAccount(tx, accountId);
            boolean changed = tx.webhooks().resume(accountId, endpointId);
            if (changed) {
                tx.audit().insert(accountId, Attribution.commandEntry("tether webhook resume (" + endpointId + ")",
                        clock.instant().getEpochSecond()));
            }
            return changed;
        });
    }

    /** The newest delivery attempts at the account's endpoints, or at one of them, newest first. */
    public List<DeliveryAttempt> deliveries(String accountId, Optional<String> endpointId, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the number of attempts to show must be at least 1");
        }
        return store.read(tx -> {
            requireAccount(tx, accountId);
            return tx.webhooks().attempts(accountId, endpointId, limit);
        });
    }

    /** An absolute http or https URL with a host; anything else is refused with the reason. */
    static String checkUrl(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + url + " (" + e.getReason() + ")");
        }
        String scheme = Optional.ofNullable(uri.getScheme()).map(s -> s.toLowerCase(Locale.ROOT)).orElse("");
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("a webhook URL must be http or https: " + url);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("a webhook URL needs a host: " + url);
        }
        if (uri.getUserInfo() != null) {
            throw new IllegalArgumentException("a webhook URL must not carry a user name or password: " + url);
        }
        return uri.toString();
    }

    private static void checkType(String type) {
        if (MessageType.fromWireName(type).isEmpty()) {
            throw new IllegalArgumentException("unknown message type '" + type + "' (expected some of "
                    + MessageType.names() + ")");
        }
    }

    private static void requireAccount(ReadTx tx, String accountId) {
        if (tx.accounts().find(accountId).isEmpty()) {
            throw new UnknownAccountException(accountId);
        }
    }
}
