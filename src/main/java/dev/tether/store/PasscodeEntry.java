package dev.tether.store;

import java.util.Optional;

/** What is kept of a passcode: its hint (the first group, enough to tell passcodes apart), when, and if revoked. */
public record PasscodeEntry(String hint, long createdAt, Optional<Long> revokedAt) {
}
