package dev.tether.export;

/** What an export pages through: the events of the range, the profiles that did one, or the account's audit trail. */
public enum ExportKind {
    EVENTS, PROFILES, AUDIT
}
