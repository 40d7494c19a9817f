package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tether.account.ConflictPolicy;
import dev.tether.model.IdentityModel.Kind;
import dev.tether.model.ModelCheck;
import dev.tether.model.Step;
import dev.tether.testing.Backend;
import dev.tether.testing.TestServer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The model-based test of the identity rules: random sequences of uploads (Identity, Email and Phone claims in every
 * combination, other properties, events, objectId and FBID writes, a blocked value now and then), disassociations
 * (some with a day of disconnection: today, or before every binding of the run) and deletes, under each conflict policy
 * (under merges, half the time with a merge limit of one a day)
 * and with Email or Phone now and then not an identity, compared after every step with
 * {@code dev.tether.model.IdentityModel} (each request first as a dry run, which must answer the same and write
 * nothing), with the invariant checker at the end of each sequence. A failing sequence is shrunk and printed with
 * its seed. {@code -Dtether.model.sequences=N} runs N sequences (CI runs a bounded number),
 * {@code -Dtether.model.seed=S} replays a run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ModelContract {
    private static final int SEQUENCES = Integer.getInteger("tether.model.sequences", 45);
    private static final int MAX_LENGTH = Integer.getInteger("tether.model.length", 20);
    /** The three uploads that broke the mirror rule before the identity core (the merge copied the loser's Phone). */
    private static final List<Step> MERGE_BUG = List.of(
            upload(new Step.Value("+15550000001"), Map.of()),
            upload(new Step.Value("o"), Map.of(Kind.Phone, "+15550000002", Kind.Email, "m@x.co")),
            upload(new Step.Value("+15550000001"), Map.of(Kind.Email, "m@x.co")));

    private TestServer server;

    protected abstract Backend backend();

    @BeforeAll
    void start() {
        server = new TestServer(backend());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void randomSequences_agreeWithTheModel_afterEveryStep() {
        long seed = Long.getLong("tether.model.seed", new Random().nextLong());
        ModelCheck check = new ModelCheck(server);
        for (int i = 0; i < SEQUENCES; i++) {
            Random random = new Random(seed + i);
            ModelCheck.Setup setup = ModelCheck.Setup.random(random,
                    ConflictPolicy.values()[i % ConflictPolicy.values().length]);
            Optional<ModelCheck.Failure> failure = check.check(setup, ModelCheck.randomSteps(random, MAX_LENGTH));
            if (failure.isPresent()) {
                fail(failure.get().report(seed) + "\n(replay: -Dtether.model.seed=" + seed + ")");
            }
        }
    }

    @Test
    void theThreeUploadsOfTheMergeBug_agreeWithTheModel() {
        ModelCheck.Setup merge = new ModelCheck.Setup(ConflictPolicy.MERGE, true, true);
        assertThat(new ModelCheck(server).check(merge, MERGE_BUG)).isEmpty();
    }

    /**
     * The comparison's power, shown on the bug it was written for: a model whose merges copy the mirrored properties
     * (what the server did before the identity core) disagrees with the server, and the failure shrinks to the
     * three uploads or fewer, naming the Phone that landed on the survivor.
     */
    @Test
    void aModelWithTheMergeBug_disagrees_andShrinksToAShortSequence() {
        ModelCheck.Setup merge = new ModelCheck.Setup(ConflictPolicy.MERGE, true, true);
        List<Step> padded = new java.util.ArrayList<>(List.of(
                upload(new Step.Value("u1"), Map.of(Kind.Email, "n@x.co")),
                new Step.Upload(List.of(new Step.EventRec(new Step.Value("u1")))),
                new Step.Disassociate(List.of("+15550000003"), Optional.empty())));
        padded.addAll(MERGE_BUG);
        padded.add(new Step.Delete(new Step.Value("u1")));
        Optional<ModelCheck.Failure> failure = new ModelCheck(server, true).check(merge, padded);
        assertThat(failure).isPresent();
        assertThat(failure.get().shrunk()).hasSizeLessThanOrEqualTo(3);
        assertThat(failure.get().problem()).contains("Phone=+1555000000");
    }

    private static Step upload(Step.Who who, Map<Kind, String> claims) {
        return new Step.Upload(List.of(new Step.ProfileRec(who, claims, Map.of(), Set.of())));
    }
}
