package dev.tether.store;

import java.util.List;

/**
 * One merge: profile {@code from} was merged into {@code into} at a time, and these property keys of {@code from}
 * were copied into {@code into} because it lacked them. What a demerge needs to give {@code from} back whole.
 */
public record MergeRecord(String from, String into, long at, List<String> copiedKeys) {
    public MergeRecord {
        copiedKeys = List.copyOf(copiedKeys);
    }
}
