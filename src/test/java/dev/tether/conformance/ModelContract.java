package dev.tether.conformance;

import static org.assertj.core.api.Assertions.fail;

import dev.tether.account.ConflictPolicy;
import dev.tether.model.ModelCheck;
import dev.tether.model.Step;
import dev.tether.testing.Backend;
import dev.tether.testing.TestServer;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The model-based test of the identity rules: random sequences of uploads (Identity, Email and Phone claims in every
 * combination, other properties, events, objectId writes), disassociations and deletes under each conflict policy,
 * compared after every step with {@code dev.tether.model.IdentityModel}, with the invariant checker at the end of
 * each sequence. A failing sequence is shrunk and printed with its seed. {@code -Dtether.model.sequences=N} runs N
 * sequences (CI runs a bounded number), {@code -Dtether.model.seed=S} replays one run.
 */
abstract class ModelContract {
    private static final int SEQUENCES = Integer.getInteger("tether.model.sequences", 45);
    private static final int MAX_LENGTH = Integer.getInteger("tether.model.length", 20);

    protected abstract Backend backend();

    @Test
    void randomSequences_agreeWithTheModel_afterEveryStep() {
        long seed = Long.getLong("tether.model.seed", new Random().nextLong());
        try (TestServer server = new TestServer(backend())) {
            ModelCheck check = new ModelCheck(server);
            for (int i = 0; i < SEQUENCES; i++) {
                ConflictPolicy policy = ConflictPolicy.values()[i % ConflictPolicy.values().length];
                List<Step> steps = ModelCheck.randomSteps(new Random(seed + i), MAX_LENGTH);
                Optional<ModelCheck.Failure> failure = check.check(policy, steps);
                if (failure.isPresent()) {
                    fail(failure.get().report(seed) + "\n(replay: -Dtether.model.seed=" + seed + ")");
                }
            }
        }
    }
}
