package dev.tether.store;

import dev.tether.account.Scope;
import java.util.Optional;
import java.util.Set;

/**
 * What is kept of a passcode: its hint (the first group, enough to tell passcodes apart), its name and scopes, when it
 * was made, until when it works ({@code expiresAt}, epoch s), the start of the last UTC day it was used, and whether
 * it was revoked.
 */
public record PasscodeEntry(String hint, String name, Set<Scope> scopes, long createdAt, Optional<Long> expiresAt,
                            Optional<Long> lastUsedAt, Optional<Long> revokedAt) {
}
