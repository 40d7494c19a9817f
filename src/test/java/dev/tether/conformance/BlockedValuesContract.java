package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.access.AccountService;
import dev.tether.account.BlockedValues;
import dev.tether.testing.ApiResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The contract's section 7d, blocked values: an upload record whose {@code identity}, {@code Identity} or
 * {@code Email} identifies nobody in the account is 553 and binds nothing, events too; the account's own list
 * replaces the defaults, and values already held keep their bindings.
 */
abstract class BlockedValuesContract extends ServerContract {
    private static final String BLOCKED = "Identity value is blocked for this account";

    private void assertBlocked(ApiResponse answer) {
        assertThat(answer.json().get("processed").asInt()).as(answer.body()).isZero();
        assertThat(answer.json().get("unprocessed").get(0).get("code").asInt()).as(answer.body()).isEqualTo(553);
        assertThat(answer.json().get("unprocessed").get(0).get("error").asText()).startsWith(BLOCKED + ".");
    }

    private void assertProcessed(ApiResponse answer) {
        assertThat(answer.json().get("processed").asInt()).as(answer.body()).isEqualTo(1);
    }

    private ApiResponse upload(String identity) {
        return api.post("/1/upload", batch(profile("identity", identity, "{\"Plan\":\"gold\"}")));
    }

    private int historyOf(String identity) {
        return api.get("/1/identity/history.json?identity=" + identity.replace(" ", "%20")).json()
                .get("history").size();
    }

    @Test
    void theDefaults_refuseEachOfTheirValues_inAnyCase_trimmed_andValuesMadeOnlyOfFillers_andBindNothing() {
        for (String value : List.of("null", "NULL", " undefined ", "nil", "None", "unknown", "anonymous", "Guest",
                "[object Object]", "nan", "-1", "0", "000", "--", "_", "...", "0 0", "-_. 0")) {
            assertBlocked(upload(value));
        }
        assertThat(historyOf("null")).isZero();
        assertThat(historyOf("guest")).isZero();
        for (String value : List.of("nullable", "guest1", "0x1", "-10", "1", "none of them")) {
            assertProcessed(upload(value));
        }
    }

    @Test
    void aBlockedIdentityInProfileData_andAnEventsBlockedUser_are553_too() {
        assertProcessed(upload("real-user"));
        String guid = api.get("/1/profile.json?identity=real-user").json().get("record").get("objectId").asText();
        assertBlocked(api.post("/1/upload", batch(profile("objectId", guid, "{\"Identity\":\"Anonymous\"}"))));
        assertBlocked(api.post("/1/upload", batch(event("identity", "undefined", "Viewed", "{}"))));
        assertThat(historyOf("undefined")).as("no profile made for the event's user").isZero();
        assertThat(historyOf("anonymous")).isZero();
    }

    @Test
    void theAccountsOwnList_replacesTheDefaults_anEmptyListBlocksNothing_andHeldValuesKeepTheirBindings() {
        assertProcessed(upload("keeper"));
        server.accounts().update(api.accountId(), new AccountService.Settings(Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(BlockedValues.of(List.of("shop@store.com",
                        " Walk-In ", "keeper", ""))), Optional.empty()));
        assertBlocked(api.post("/1/upload", batch(profile("identity", "customer-1",
                "{\"Email\":\"SHOP@store.com\"}"))));
        assertThat(historyOf("customer-1")).as("the refused record bound nothing").isZero();
        assertBlocked(upload("walk-in"));
        assertBlocked(upload("keeper"));
        assertThat(api.get("/1/profile.json?identity=keeper").status()).as("a value held before keeps its binding")
                .isEqualTo(200);
        assertProcessed(upload("guest"));

        server.accounts().update(api.accountId(), new AccountService.Settings(Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(BlockedValues.of(List.of())), Optional.empty()));
        assertProcessed(upload("null"));
        assertThat(server.violations()).isEmpty();
    }
}
