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

    AuditReads audit();

    /**
     * Whether the transaction's row locks are real: a write where writers run at once (PostgreSQL), which must find
     * out what it will lock before it locks it. Elsewhere (a read, SQLite's one writer) nothing is locked.
     */
    boolean locksRows();

    /** A point to go back to with the row locks taken after it ({@link Savepoint}); nothing where none are taken. */
    Savepoint savepoint();
}
