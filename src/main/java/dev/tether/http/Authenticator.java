package dev.tether.http;

import dev.tether.access.AccountService;
import dev.tether.account.Account;
import io.javalin.http.Context;

/** Authentication of every /1/ call by CleverTap's two headers, and the region check. */
final class Authenticator {
    static final String ACCOUNT_HEADER = "X-CleverTap-Account-Id";
    static final String PASSCODE_HEADER = "X-CleverTap-Passcode";
    static final String ACCOUNT_ATTRIBUTE = "tether.account";

    private final AccountService accounts;
    private final String region;

    Authenticator(AccountService accounts, String region) {
        this.accounts = accounts;
        this.region = region;
    }

    Account authenticate(Context ctx) {
        AccountService.Authentication auth = accounts.authenticate(
                Requests.header(ctx, ACCOUNT_HEADER), Requests.header(ctx, PASSCODE_HEADER));
        switch (auth.verdict()) {
            case UNKNOWN_ACCOUNT:
                throw new ApiError(401, "Account ID is not valid");
            case BAD_PASSCODE:
                throw new ApiError(401, "Invalid Credentials");
            default:
                break;
        }
        Account account = auth.account().orElseThrow();
        if (!account.region().equals(region)) {
            throw new ApiError(401, "Account is in region " + account.region() + ", not " + region
                    + ": use that region's base URL, https://" + account.region() + ".api.clevertap.com");
        }
        ctx.attribute(ACCOUNT_ATTRIBUTE, account.id());
        return account;
    }
}
