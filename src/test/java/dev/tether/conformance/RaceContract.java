package dev.tether.conformance;

import dev.tether.access.AccountService;
import dev.tether.account.ConflictPolicy;
import dev.tether.config.Limits;
import dev.tether.testing.Backend;
import dev.tether.testing.BindRace;
import dev.tether.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * Two servers, each with its own connection pool, on one database: two requests race to bind the same new
 * phone number to two different profiles. Exactly one wins; the other gets 544; never two active bindings.
 * ({@code TwoProcessRaceTest} runs the same race between two operating-system processes on PostgreSQL.)
 */
abstract class RaceContract {
    protected abstract Backend backend();

    @Test
    void racingBindsOfOneNewNumber_exactlyOneWins_theOtherGets544() throws Exception {
        String url = backend().newDatabaseUrl();
        try (TestServer first = new TestServer(url, Limits.defaults());
             TestServer second = new TestServer(url, Limits.defaults())) {
            var created = first.accounts().create(new AccountService.NewAccount("race", "local", true, true,
                    ConflictPolicy.REJECT));
            BindRace.run(first.baseUrl(), second.baseUrl(), created.account().id(), created.passcode(),
                    first.store(), 15, 4000);
        }
    }
}
