package dev.tether.demerge;

import dev.tether.core.IdentityCore;
import dev.tether.core.ProfileState;
import dev.tether.identity.IdentityKey;
import dev.tether.work.UnitOfWork;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /1/demerge/profiles.json}: every profile that holds one of the identities loses all of them, and every
 * profile merged into it is given back whole, through the identity core. An identity no profile holds is skipped.
 */
public final class DemergeService {

    /** Demerges what the request names; how many profiles were demerged (would be, in a dry run). */
    public int demerge(UnitOfWork unit, DemergeRequest request) {
        IdentityCore core = unit.identities();
        core.preload(request.identities().stream().flatMap(List::stream).toList(), List.of());
        Set<String> holders = new LinkedHashSet<>();
        for (List<IdentityKey> keys : request.identities()) {
            core.firstHolder(keys).map(ProfileState::guid).ifPresent(holders::add);
        }
        core.demerge(holders);
        return holders.size();
    }
}
