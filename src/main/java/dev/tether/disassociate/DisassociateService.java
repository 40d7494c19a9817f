package dev.tether.disassociate;

import dev.tether.batch.BatchResult;
import dev.tether.batch.RecordRejected;
import dev.tether.core.IdentityCore;
import dev.tether.work.UnitOfWork;

/**
 * {@code POST /1/disassociate}: cuts each phone number from the profile that holds it, through the identity core,
 * so that the number's next owner gets a profile of their own. A batch is three statements: one lookup of the
 * numbers' bindings, one update ending them and one update of the profiles' Phone property.
 */
public final class DisassociateService {

    public BatchResult disassociate(UnitOfWork unit, DisassociateRequest request) {
        IdentityCore core = unit.identities();
        core.preloadBindings(request.valid());
        return BatchResult.of(request.records(), i -> {
            if (!core.disassociate(request.phones().get(i).orThrow())) {
                throw new RecordRejected(543, "Phone number is not associated with any profile");
            }
        });
    }
}
