package dev.tether.store;

import dev.tether.account.Account;
import java.util.List;
import java.util.Optional;

/** Accounts and passcodes, as read. */
public interface AccountReads {
    Optional<Account> find(String accountId);

    /**
     * The account as it is now; in a write its row is locked shared until the transaction ends, the first lock of
     * every write unit of the account (DECISIONS.md, "Concurrency: one lock order"). {@code account update} locks it
     * alone ({@link AccountWrites#lockAlone}), so a write never runs on settings changed since it began.
     */
    Optional<Account> lockShared(String accountId);

    List<Account> list();

    /** The account and its active passcodes, in one statement. */
    Optional<AccountCredentials> credentials(String accountId);

    /** Every passcode of the account, active and revoked, oldest first; never the passcode itself. */
    List<PasscodeEntry> passcodes(String accountId);
}
