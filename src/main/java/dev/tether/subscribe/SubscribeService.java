package dev.tether.subscribe;

import dev.tether.batch.BatchResult;
import dev.tether.core.IdentityCore;
import dev.tether.work.UnitOfWork;

/**
 * {@code POST /1/subscribe}: sets the address-level status of phone numbers and email addresses, through the
 * identity core. It belongs to the address, so it needs no profile: a number nobody holds yet, or one that will pass
 * to a new owner, keeps it. A batch is one statement.
 */
public final class SubscribeService {

    public BatchResult subscribe(UnitOfWork unit, SubscribeRequest request) {
        IdentityCore core = unit.identities();
        return BatchResult.of(request.records(), i -> {
            SubscribeRequest.Subscription subscription = request.subscriptions().get(i).orThrow();
            core.subscribe(subscription.address(), subscription.status());
        });
    }
}
