package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.config.Limits;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Cli;
import dev.tether.testing.TestServer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tether passcode add --name --scopes --expires}, {@code passcode list} and {@code tether audit} as an
 * operator runs them (docs/API.md sections 14 and 20), in this JVM on a SQLite file a server serves at once.
 */
class PasscodeAndAuditCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aScopedPasscode_isMadeListedAndUsed_andTheTrailPrintsWhoMadeIt() throws Exception {
        String db = "jdbc:sqlite:" + dir.resolve("tether.db");
        String account = newAccount(db).get("accountId").asText();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String lastDay = today.plusDays(30).toString();

        Cli.Result added = Cli.run("passcode", "add", "--account", account, "--name", "crm-sync", "--scopes",
                "read,write", "--expires", lastDay, "--db", db);
        assertThat(added.exit()).as(added.err()).isZero();
        String passcode = added.out().trim();
        assertThat(passcode).matches("[A-Z0-9]{6}(-[A-Z0-9]{6}){3}");

        try (TestServer server = new TestServer(db, Limits.defaults())) {
            ApiResponse read = TestServer.send(server.request("/1/account.json")
                    .header("X-CleverTap-Account-Id", account).header("X-CleverTap-Passcode", passcode).GET());
            assertThat(read.json().get("passcode").get("name").asText()).isEqualTo("crm-sync");
            ApiResponse cut = TestServer.send(server.request("/1/disassociate")
                    .header("X-CleverTap-Account-Id", account).header("X-CleverTap-Passcode", passcode)
                    .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers
                            .ofString("{\"d\":[{\"type\":\"phone\",\"value\":\"+14155550100\"}]}")));
            assertThat(cut.status()).isEqualTo(403);
        }

        Cli.Result list = Cli.run("passcode", "list", "--account", account, "--db", db);
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out().lines().toList().get(0)).contains("HINT", "NAME", "SCOPES", "EXPIRES", "LAST USED");
        assertThat(list.out().lines().filter(line -> line.contains("crm-sync"))).singleElement().asString()
                .startsWith(passcode.substring(0, 6)).contains("read,write ").contains(lastDay)
                .contains(" " + today + " ").endsWith("active");
        assertThat(list.out().lines().filter(line -> !line.contains("crm-sync")).skip(1)).singleElement()
                .asString().contains("read,write,disassociate,delete,audit").contains("never");

        for (List<String> refused : List.of(
                List.of("--scopes", "read,bogus"), List.of("--expires", "2020-01-01"),
                List.of("--expires", "tomorrow"), List.of("--name", "two words"))) {
            String[] args = new String[] {"passcode", "add", "--account", account, "--db", db,
                refused.get(0), refused.get(1)};
            Cli.Result failed = Cli.run(args);
            assertThat(failed.exit()).as(String.join(" ", refused) + ": " + failed.err()).isEqualTo(1);
            assertThat(failed.err()).startsWith("tether: ");
        }

        Cli.Result trail = Cli.run("audit", "--account", account, "--db", db);
        assertThat(trail.exit()).as(trail.err()).isZero();
        List<JsonNode> entries = trail.out().lines().map(line -> {
            try {
                return JSON.readTree(line);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
        assertThat(entries).extracting(e -> e.get("actor").asText() + " " + e.get("action").asText()
                .replaceAll(" \\(.*", "")).containsExactly("cli tether account create", "cli tether passcode add");
        assertThat(entries.get(1).get("action").asText()).contains("crm-sync").contains("read,write")
                .doesNotContain(passcode);
        assertThat(Cli.run("audit", "--account", account, "--since", today.plusDays(1).toString(), "--db", db).out())
                .isEmpty();
        Cli.Result badDay = Cli.run("audit", "--account", account, "--since", "yesterday", "--db", db);
        assertThat(badDay.exit()).isEqualTo(1);
        assertThat(badDay.err()).isEqualTo("tether: --since: Date is not valid. Expected YYYY-MM-DD\n");
        assertThat(Cli.run("audit", "--account", "NOP-NOP-NOPE", "--db", db).err()).contains("no account");
    }

    /** {@code tether account update --max-merges-per-day}: the limit changed and shown; one under 1 changes nothing. */
    @Test
    void theMergeLimit_isChangedAndShown_andOneUnderOneIsRefused() throws Exception {
        String db = "jdbc:sqlite:" + dir.resolve("tether.db");
        JsonNode created = newAccount(db);
        String account = created.get("accountId").asText();
        assertThat(created.get("maxMergesPerDay").asInt()).as("a new account's").isEqualTo(25);

        Cli.Result updated = Cli.run("account", "update", "--account", account, "--max-merges-per-day", "3",
                "--json", "--db", db);
        assertThat(updated.exit()).as(updated.err()).isZero();
        assertThat(JSON.readTree(updated.out()).get("maxMergesPerDay").asInt()).isEqualTo(3);

        Cli.Result refused = Cli.run("account", "update", "--account", account, "--max-merges-per-day", "0",
                "--db", db);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("the merge limit is at least 1 a day, not 0");

        Cli.Result shown = Cli.run("account", "show", "--account", account, "--db", db);
        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out()).contains("merges:     at most 3 into one profile in 24 hours");
    }

    /** {@code tether account create --json}'s answer, for an account made in this database. */
    private static JsonNode newAccount(String db) throws Exception {
        Cli.Result created = Cli.run("account", "create", "--name", "shop", "--json", "--db", db);
        assertThat(created.exit()).as(created.err()).isZero();
        return JSON.readTree(created.out());
    }
}
