package dev.tether.work;

import dev.tether.account.Account;
import dev.tether.core.IdentityCore;
import dev.tether.store.ReadTx;

/**
 * One request's transaction, opened once above the operations by {@link Transactions}: what an operation reads
 * through, and the identity core it changes bindings, properties and events through. Operations return what
 * happened; nothing is written until the unit commits, and a dry run never commits.
 */
public final class UnitOfWork {
    private final Account account;
    private final ReadTx reads;
    private final IdentityCore identities;

    UnitOfWork(Account account, ReadTx reads, IdentityCore identities) {
        this.account = account;
        this.reads = reads;
        this.identities = identities;
    }

    public Account account() {
        return account;
    }

    /** The reads of this transaction (locking in a write on PostgreSQL). */
    public ReadTx reads() {
        return reads;
    }

    /** The one owner of binding changes, and of the properties and events written with them. */
    public IdentityCore identities() {
        return identities;
    }

}
