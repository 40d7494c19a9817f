package dev.tether.http;

import dev.tether.access.AccountService;
import dev.tether.account.Account;
import dev.tether.account.Scope;
import dev.tether.audit.Attribution;
import dev.tether.work.IdempotencyKey;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Authentication of every /1/ call by CleverTap's two headers, the region check and the passcode's scopes: the one
 * place a request is let in, before any unit of work (docs/API.md section 20, "Scopes").
 */
final class Authenticator {
    static final String ACCOUNT_HEADER = "X-CleverTap-Account-Id";
    static final String PASSCODE_HEADER = "X-CleverTap-Passcode";
    /** Sent by the console: its requests are audited as {@code console:<passcode name>}. */
    static final String CONSOLE_HEADER = "X-Tether-Console";
    static final String ACCOUNT_ATTRIBUTE = "tether.account";
    private static final String CALLER_ATTRIBUTE = "tether.caller";

    private final AccountService accounts;
    private final String region;
    private final ServerMetrics metrics;

    Authenticator(AccountService accounts, String region, ServerMetrics metrics) {
        this.accounts = accounts;
        this.region = region;
        this.metrics = metrics;
    }

    /** The account the request's credentials name, once they are good and their passcode may do {@code scope}. */
    Account authenticate(Context ctx, Scope scope) {
        AccountService.Authentication auth = accounts.authenticate(
                Requests.header(ctx, ACCOUNT_HEADER), Requests.header(ctx, PASSCODE_HEADER));
        switch (auth.verdict()) {
            case UNKNOWN_ACCOUNT:
                throw new ApiError(401, "Account ID is not valid");
            case BAD_PASSCODE:
            case EXPIRED:
                throw new ApiError(401, "Invalid Credentials");
            default:
                break;
        }
        Account account = auth.account().orElseThrow();
        if (!account.region().equals(region)) {
            throw new ApiError(401, "Account is in region " + account.region() + ", not " + region
                    + ": use that region's base URL, https://" + account.region() + ".api.clevertap.com");
        }
        AccountService.Caller caller = auth.caller().orElseThrow();
        ctx.attribute(ACCOUNT_ATTRIBUTE, account.id());
        ctx.attribute(CALLER_ATTRIBUTE, caller);
        if (!caller.scopes().contains(scope)) {
            metrics.outsideScope(scope);
            throw new ApiError(403, "This passcode may not " + scope.wireName());
        }
        accounts.noteUse(auth);
        return account;
    }

    /** The passcode the request was let in with (after {@link #authenticate}). */
    static AccountService.Caller caller(Context ctx) {
        return Optional.<AccountService.Caller>ofNullable(ctx.attribute(CALLER_ATTRIBUTE)).orElseThrow();
    }

    /**
     * Who the request's changes are by, and which request, for its audit entry and the bindings it stamps:
     * {@code passcode:<name>}, or {@code console:<name>} for the console's own requests.
     */
    static Attribution attribution(Context ctx, Optional<IdempotencyKey> key) {
        String name = caller(ctx).name();
        String actor = ctx.header(CONSOLE_HEADER) != null ? Attribution.console(name) : Attribution.passcode(name);
        return new Attribution(RequestIds.of(ctx).orElseGet(RequestIds::fresh), actor, Requests.action(ctx),
                key.map(IdempotencyKey::value));
    }
}
