package dev.tether.cli;

import dev.tether.testing.TetherProcess;

import dev.tether.access.AccountService;
import dev.tether.account.ConflictPolicy;
import dev.tether.config.Limits;
import dev.tether.testing.Backend;
import dev.tether.testing.BindRace;
import dev.tether.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server processes on one PostgreSQL (this JVM's server and a real {@code tether serve} process) race to
 * bind the same new phone number to two different profiles: exactly one wins, the other gets 544.
 */
class TwoProcessRaceTest {
    @TempDir
    Path dir;

    @Test
    void twoProcessesOnOnePostgres_racingBinds_exactlyOneWins() throws Exception {
        String url = Backend.POSTGRES.newDatabaseUrl();
        try (TestServer inProcess = new TestServer(url, Limits.defaults());
             TetherProcess other = TetherProcess.start(dir, "serve", "--port", "0", "--db", url)) {
            int otherPort = other.awaitReady();
            var created = inProcess.accounts().create(new AccountService.NewAccount("race", "local", true, true,
                    ConflictPolicy.REJECT));
            BindRace.run(inProcess.baseUrl(), "http://127.0.0.1:" + otherPort, created.account().id(),
                    created.passcode(), inProcess.store(), 10, 7000);
            other.terminate();
        }
    }
}
