package dev.tether.history;

import dev.tether.store.HistoryEntry;
import dev.tether.work.UnitOfWork;
import java.util.Comparator;
import java.util.List;

/**
 * {@code GET /1/identity/history.json}: every profile that held a value (for {@code identity=}, a value of each kind
 * it can be), or every identity a profile ever held; newest first. The history is the bindings table itself: every
 * binding keeps when and why it started and ended, and a deleted profile's bindings keep their values and dates
 * without the GUID.
 */
public final class HistoryService {
    /** Newest first; bindings that started in the same second in the resolution order of their kinds. */
    private static final Comparator<HistoryEntry> NEWEST_FIRST = Comparator.comparingLong(HistoryEntry::from)
            .reversed().thenComparing(entry -> entry.key().kind());

    public List<HistoryEntry> history(UnitOfWork unit, HistoryQuery query) {
        String account = unit.account().id();
        if (query.profile().isPresent()) {
            return unit.reads().bindings().historyOf(account, query.profile().get());
        }
        return unit.reads().bindings().histories(account, query.values()).values().stream()
                .flatMap(List::stream).sorted(NEWEST_FIRST).toList();
    }
}
