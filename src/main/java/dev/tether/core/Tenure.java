package dev.tether.core;

import dev.tether.store.HistoryEntry;
import java.util.List;
import java.util.Optional;

/**
 * Since when the person who holds a number now has held it, from the number's history: the start of its active
 * binding, or, where that binding came by a merge (a merge is never a change of hands:
 * {@link dev.tether.identity.BindingReason#keepsTheValueWithThePerson}), the start of the binding the merge ended,
 * and so on back.
 */
final class Tenure {
    private Tenure() {
    }

    /** Empty when nobody holds the number. */
    static Optional<Long> since(List<HistoryEntry> history) {
        Optional<HistoryEntry> current = history.stream().filter(entry -> entry.to().isEmpty()).findFirst();
        for (int step = 0; current.isPresent() && step < history.size(); step++) {
            HistoryEntry binding = current.get();
            if (!binding.startReason().keepsTheValueWithThePerson()) {
                break;
            }
            Optional<HistoryEntry> before = history.stream().filter(entry -> entry != binding
                    && entry.to().filter(to -> to == binding.from()).isPresent()
                    && entry.endReason().filter(reason -> reason.keepsTheValueWithThePerson()).isPresent())
                    .findFirst();
            if (before.isEmpty()) {
                break;
            }
            current = before;
        }
        return current.map(HistoryEntry::from);
    }
}
