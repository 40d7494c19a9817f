package dev.tether.store;

import dev.tether.account.Account;
import java.util.List;

/** An account with the hashes of its active passcodes: everything authentication reads, in one statement. */
public record AccountCredentials(Account account, List<String> passcodeHashes) {
}
