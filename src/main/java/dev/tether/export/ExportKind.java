package dev.tether.export;

/** What an export pages through: the events of the range, or the profiles that did one. */
public enum ExportKind {
    EVENTS, PROFILES
}
