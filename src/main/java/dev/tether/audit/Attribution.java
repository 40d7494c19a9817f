package dev.tether.audit;

import dev.tether.identity.Guids;
import dev.tether.store.AuditEntry;
import dev.tether.store.Stamp;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Who asks for a change, and in which request: what its audit entry and the bindings it starts and ends are stamped
 * with (docs/API.md section 20). The {@code actor} is {@code passcode:<name>} for an API request,
 * {@code console:<name>} for one the console sends, {@code cli} for a command; the {@code action} is the request's
 * method and path, or the command.
 */
public record Attribution(String requestId, String actor, String action, Optional<String> idempotencyKey) {
    public static final String CLI = "cli";

    public static String passcode(String name) {
        return "passcode:" + name;
    }

    public static String console(String name) {
        return "console:" + name;
    }

    /** A command's change, under a fresh request id. */
    public static Attribution cli(String action) {
        return new Attribution(freshId(), CLI, action, Optional.empty());
    }

    /** The audit entry of a command's change (one thing changed), under a fresh request id. */
    public static AuditEntry commandEntry(String action, long at) {
        return cli(action).entry(at, 1, 0, false);
    }

    /** A fresh id of a request: 32 hex digits, 128 random bits (an id names, it does not protect). */
    public static String freshId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return HexFormat.of().toHexDigits(random.nextLong()) + HexFormat.of().toHexDigits(random.nextLong());
    }

    /** What the bindings this request starts and ends keep of it. */
    public Stamp stamp() {
        return new Stamp(requestId, actor);
    }

    /**
     * Its audit entry: at that time, with these counts; a replay of a stored answer counts nothing. The entry's id
     * is time-ordered ({@link Guids}), so that entries of one second read back in the order they were made.
     */
    public AuditEntry entry(long at, int processed, int unprocessed, boolean replayed) {
        return new AuditEntry(at, Guids.newGuid(), requestId, actor, action, processed, unprocessed, idempotencyKey,
                replayed);
    }
}
