package dev.tether.store;

/** The reads and writes of one write transaction, by role. Each write takes a whole batch. */
public interface WriteTx extends ReadTx {
    @Override
    AccountWrites accounts();

    @Override
    BindingWrites bindings();

    @Override
    ProfileWrites profiles();

    @Override
    EventWrites events();

    @Override
    SubscriptionWrites subscriptions();

    @Override
    IdempotencyWrites idempotency();

    @Override
    WebhookWrites webhooks();

    @Override
    AuditWrites audit();
}
