package dev.tether.batch;

import java.util.Optional;
import java.util.function.Supplier;

/** One record of a batch after validation, which runs before the transaction: its parsed form, or its rejection. */
public record Checked<T>(Optional<T> value, Optional<RecordRejected> rejection) {

    public static <T> Checked<T> of(Supplier<T> parse) {
        try {
            return new Checked<>(Optional.of(parse.get()), Optional.empty());
        } catch (RecordRejected rejected) {
            return new Checked<>(Optional.empty(), Optional.of(rejected));
        }
    }

    /** The parsed record; a rejected record throws its rejection, to be reported at its place in the batch. */
    public T orThrow() {
        return value.orElseThrow(() -> rejection.orElseThrow());
    }
}
