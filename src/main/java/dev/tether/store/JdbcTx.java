package dev.tether.store;

/** One transaction on one connection: the store's roles, each with its own SQL, sharing the connection. */
final class JdbcTx implements WriteTx {
    private final JdbcAccounts accounts;
    private final JdbcBindings bindings;
    private final JdbcProfiles profiles;
    private final JdbcEvents events;
    private final JdbcSubscriptions subscriptions;
    private final JdbcIdempotency idempotency;
    private final JdbcWebhooks webhooks;
    private final JdbcAudit audit;
    private final Sql sql;

    JdbcTx(Sql sql) {
        this.sql = sql;
        this.accounts = new JdbcAccounts(sql);
        this.bindings = new JdbcBindings(sql);
        this.profiles = new JdbcProfiles(sql);
        this.events = new JdbcEvents(sql);
        this.subscriptions = new JdbcSubscriptions(sql);
        this.idempotency = new JdbcIdempotency(sql);
        this.webhooks = new JdbcWebhooks(sql);
        this.audit = new JdbcAudit(sql);
    }

    Sql sql() {
        return sql;
    }

    @Override
    public boolean locksRows() {
        return sql.locksRows();
    }

    @Override
    public Savepoint savepoint() {
        return sql.savepoint();
    }

    @Override
    public AccountWrites accounts() {
        return accounts;
    }

    @Override
    public BindingWrites bindings() {
        return bindings;
    }

    @Override
    public ProfileWrites profiles() {
        return profiles;
    }

    @Override
    public EventWrites events() {
        return events;
    }

    @Override
    public SubscriptionWrites subscriptions() {
        return subscriptions;
    }

    @Override
    public IdempotencyWrites idempotency() {
        return idempotency;
    }

    @Override
    public WebhookWrites webhooks() {
        return webhooks;
    }

    @Override
    public AuditWrites audit() {
        return audit;
    }
}
