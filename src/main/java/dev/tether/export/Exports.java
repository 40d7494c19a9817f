package dev.tether.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.batch.InvalidRequestException;
import dev.tether.profile.ProfileReader;
import dev.tether.store.AuditEntry;
import dev.tether.store.EventRange;
import dev.tether.store.ExportedEvent;
import dev.tether.store.StoredProfile;
import dev.tether.work.UnitOfWork;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * CleverTap's exports with cursors ({@code /1/events.json}, {@code /1/profiles.json}) and counts. An export starts
 * with a query and answers a cursor; each cursor answers one page and the cursor of the next, until the end. A page
 * is read by key (the last record's key is in the cursor), never by offset, so every record of the range comes
 * exactly once while uploads, merges and demerges go on, and a server holds nothing between pages: any server of a
 * fleet answers any cursor, and memory does not grow with the export.
 */
public final class Exports {
    public static final int DEFAULT_BATCH_SIZE = 10;
    public static final int MAX_BATCH_SIZE = 5000;
    /** Audit entries a page holds unless told. */
    public static final int DEFAULT_AUDIT_BATCH_SIZE = 100;
    /** Profiles of a page read and rendered together: four statements each time, a bounded heap. */
    static final int PROFILES_AT_ONCE = 100;

    private final CursorCodec cursors;

    public Exports(CursorCodec cursors) {
        this.cursors = cursors;
    }

    /** Starts an export of the query: the cursor of its first page. Validates everything; reads nothing. */
    public String start(String accountId, ExportKind kind, JsonNode query, Optional<String> batchSize) {
        EventRange range = ExportQuery.parse(query);
        return cursors.encode(ExportCursor.start(accountId, kind, range, batchSize(batchSize), cursors.expiry()));
    }

    /**
     * The cursor a token carries, checked before anything is read: signed by this fleet, for this account and this
     * export, and not expired. Anything else is a 400.
     */
    public ExportCursor open(String token, String accountId, ExportKind kind) {
        ExportCursor cursor = cursors.decode(token, accountId);
        if (cursor.kind() != kind) {
            throw new InvalidRequestException("Cursor is of an export of " + cursor.kind().name().toLowerCase(
                    Locale.ROOT) + ", not of " + kind.name().toLowerCase(Locale.ROOT));
        }
        return cursor;
    }

    /**
     * The page of events the cursor names, each handed to the sink as the database sends it (a page is never held
     * whole); answers the cursor of the next page, while there may be one.
     */
    public Optional<String> events(UnitOfWork unit, ExportCursor cursor, Consumer<ExportedEvent> sink) {
        int[] count = {0};
        ExportedEvent[] last = {null};
        unit.reads().events().page(unit.account().id(), cursor.range(), cursor.afterTs(), cursor.afterKey(),
                cursor.batchSize(), event -> {
                    sink.accept(event);
                    count[0]++;
                    last[0] = event;
                });
        ExportedEvent end = last[0];
        return count[0] < cursor.batchSize() || end == null ? Optional.empty()
                : Optional.of(cursors.encode(cursor.after(end.ts(), end.eventId(), cursors.expiry())));
    }

    /**
     * The page of profiles the cursor names, each as {@code GET /1/profile.json} shows it, handed to the sink
     * {@value #PROFILES_AT_ONCE} at a time (a page of whole profiles is never held at once); answers the cursor of
     * the next page, while there may be one.
     */
    public Optional<String> profiles(UnitOfWork unit, ExportCursor cursor, Consumer<ObjectNode> sink) {
        String after = cursor.afterKey();
        int sent = 0;
        while (sent < cursor.batchSize()) {
            int wanted = Math.min(PROFILES_AT_ONCE, cursor.batchSize() - sent);
            List<StoredProfile> profiles = unit.reads().profiles().doing(unit.account().id(), cursor.range(), after,
                    wanted);
            ProfileReader.records(unit.account(), profiles, unit.reads()).forEach(sink);
            sent += profiles.size();
            if (profiles.size() < wanted) {
                return Optional.empty();
            }
            after = profiles.get(profiles.size() - 1).guid();
        }
        return Optional.of(cursors.encode(cursor.after(0, after, cursors.expiry())));
    }

    /**
     * The first cursor of the audit trail (docs/API.md section 20): {@code from} and {@code to}, epoch seconds, both
     * included (from the first entry, to now, when not given), only the entries of {@code requestId} when given, and
     * {@code batch_size} entries a page ({@value #DEFAULT_AUDIT_BATCH_SIZE} when not given). The cursor's range
     * carries the request id where an export's carries its event's name ({@code ""}: every request).
     */
    public ExportCursor startAudit(String accountId, Map<String, String> parameters, long now) {
        long from = epochSecond(parameters, "from", 0);
        long to = epochSecond(parameters, "to", now);
        if (to < from) {
            throw new InvalidRequestException("to must not be before from");
        }
        int batchSize = batchSize(Optional.ofNullable(parameters.get("batch_size")).or(
                () -> Optional.of(Integer.toString(DEFAULT_AUDIT_BATCH_SIZE))));
        String requestId = parameters.getOrDefault("requestId", "");
        return ExportCursor.start(accountId, ExportKind.AUDIT, new EventRange(requestId, from, to + 1), batchSize,
                cursors.expiry());
    }

    private static long epochSecond(Map<String, String> parameters, String name, long otherwise) {
        String text = parameters.get(name);
        if (text == null) {
            return otherwise;
        }
        if (!text.matches("[0-9]{1,12}")) {
            throw new InvalidRequestException(name + " must be a time in epoch seconds");
        }
        return Long.parseLong(text);
    }

    /** The page of audit entries the cursor names, oldest first; answers the cursor of the next, while there may be one. */
    public Optional<String> audit(UnitOfWork unit, ExportCursor cursor, Consumer<AuditEntry> sink) {
        String requestId = cursor.range().eventName();
        List<AuditEntry> page = unit.reads().audit().page(unit.account().id(), cursor.range().from(),
                cursor.range().until(), Optional.of(requestId).filter(id -> !id.isEmpty()), cursor.afterTs(),
                cursor.afterKey(), cursor.batchSize());
        page.forEach(sink);
        if (page.size() < cursor.batchSize()) {
            return Optional.empty();
        }
        AuditEntry last = page.get(page.size() - 1);
        return Optional.of(cursors.encode(cursor.after(last.at(), last.entryId(), cursors.expiry())));
    }

    /** How many events, or profiles that did one, the query's range holds. */
    public long count(UnitOfWork unit, ExportKind kind, JsonNode query) {
        EventRange range = ExportQuery.parse(query);
        String account = unit.account().id();
        return kind == ExportKind.EVENTS ? unit.reads().events().count(account, range)
                : unit.reads().events().countProfiles(account, range);
    }

    private static int batchSize(Optional<String> given) {
        if (given.isEmpty()) {
            return DEFAULT_BATCH_SIZE;
        }
        String text = given.get();
        if (!text.matches("[0-9]{1,9}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > MAX_BATCH_SIZE) {
            throw new InvalidRequestException("batch_size must be a whole number from 1 to " + MAX_BATCH_SIZE);
        }
        return Integer.parseInt(text);
    }
}
