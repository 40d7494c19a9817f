package dev.tether.delete;

import dev.tether.core.IdentityCore;
import dev.tether.core.ProfileState;
import dev.tether.identity.IdentityKey;
import dev.tether.work.UnitOfWork;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /1/delete/profiles.json}: deletes profiles at once, with their events and every profile merged into
 * them, through the identity core. Their identities are released, and the history of each value keeps its dates
 * but forgets the GUID.
 */
public final class DeleteService {

    /** Deletes what the request names; how many profiles it named that existed (and are gone, unless a dry run). */
    public int delete(UnitOfWork unit, DeleteRequest request) {
        IdentityCore core = unit.identities();
        Set<String> named = named(request, core);
        core.delete(named);
        return named.size();
    }

    /**
     * The live profiles the values name: identities through their active bindings, GUIDs through merges. The
     * bindings, then the profiles they and the GUIDs name, are read (and on PostgreSQL locked) in two sorted
     * statements, so that two deletes naming the same profiles in another order lock them in the same order.
     */
    private static Set<String> named(DeleteRequest request, IdentityCore core) {
        core.preload(request.identities().stream().flatMap(List::stream).toList(), request.guids());
        Set<String> live = new LinkedHashSet<>();
        for (List<IdentityKey> keys : request.identities()) {
            core.firstHolder(keys).map(ProfileState::guid).ifPresent(live::add);
        }
        for (String guid : request.guids()) {
            core.live(guid).map(ProfileState::guid).ifPresent(live::add);
        }
        return live;
    }
}
