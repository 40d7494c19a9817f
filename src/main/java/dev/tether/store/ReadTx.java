package dev.tether.store;

/** What can be read inside one transaction, by role. */
public interface ReadTx {
    AccountReads accounts();

    BindingReads bindings();

    ProfileReads profiles();

    EventReads events();

    SubscriptionReads subscriptions();

    IdempotencyReads idempotency();

    WebhookReads webhooks();

    /** What the transaction's statements see of concurrent writes; {@link Isolation#SNAPSHOT} for reads. */
    Isolation isolation();
}
