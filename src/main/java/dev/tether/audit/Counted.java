package dev.tether.audit;

/** What a change's audit entry counts: its records processed and those left unprocessed. */
public record Counted(int processed, int unprocessed) {
}
