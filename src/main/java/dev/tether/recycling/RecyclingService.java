package dev.tether.recycling;

import dev.tether.work.UnitOfWork;
import java.time.LocalDate;

/** {@code POST /number-recycling/v0.2/check}: one number's history, read in one statement, and CAMARA's answer. */
public final class RecyclingService {

    public RecyclingCheck.Answer check(UnitOfWork unit, RecyclingRequest request, LocalDate today) {
        return RecyclingCheck.of(unit.reads().bindings().history(unit.account().id(), request.phone()),
                request.specifiedDate(), today);
    }
}
