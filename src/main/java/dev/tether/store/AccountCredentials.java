package dev.tether.store;

import dev.tether.account.Account;
import dev.tether.account.Scope;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** An account with its active passcodes: everything authentication reads, in one statement. */
public record AccountCredentials(Account account, List<Credential> passcodes) {

    /** An active passcode as authentication needs it: its hash, name, scopes, expiry and last day of use. */
    public record Credential(String passcodeHash, String name, Set<Scope> scopes, Optional<Long> expiresAt,
                             Optional<Long> lastUsedAt) {
    }
}
