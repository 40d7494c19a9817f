package dev.tether.disassociate;

import dev.tether.batch.BatchResult;
import dev.tether.batch.RecordRejected;
import dev.tether.core.IdentityCore;
import dev.tether.work.UnitOfWork;

/**
 * {@code POST /1/disassociate}: cuts each phone number from the profile that holds it, through the identity core,
 * so that the number's next owner gets a profile of their own; a number sent with the day it was disconnected only
 * from a holder who had it by then. A batch is a few statements: one lookup of the numbers' bindings (and one of the
 * histories of those with a day), one update ending them and one update of the profiles' Phone property.
 */
public final class DisassociateService {
    static final String KEPT_BY_NEW_HOLDER = "Phone number was bound after it was disconnected; its holder keeps it";

    public BatchResult disassociate(UnitOfWork unit, DisassociateRequest request) {
        IdentityCore core = unit.identities();
        core.preloadDisassociations(request.valid(), request.dated());
        return BatchResult.of(request.records(), i -> {
            DisassociateRequest.Disconnection record = request.disconnections().get(i).orThrow();
            switch (core.disassociate(record.phone(), record.disconnectedOn())) {
                case NOT_HELD -> throw new RecordRejected(543, "Phone number is not associated with any profile");
                case HELD_SINCE_AFTER -> throw new RecordRejected(552, KEPT_BY_NEW_HOLDER);
                case CUT -> {
                }
            }
        });
    }
}
