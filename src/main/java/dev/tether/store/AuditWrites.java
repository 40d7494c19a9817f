package dev.tether.store;

/** The audit trail, written in the transaction of the change each entry names. */
public interface AuditWrites extends AuditReads {
    void insert(String accountId, AuditEntry entry);

    /** Deletes at most {@code limit} entries of any account made before {@code before}; returns how many. */
    int purge(long before, int limit);
}
