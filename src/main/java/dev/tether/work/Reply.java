package dev.tether.work;

/** The answer of a write: its HTTP status and JSON body, and whether it is a stored answer given again. */
public record Reply(int status, String body, boolean replayed) {
}
