package dev.tether.cli;

import dev.tether.access.AccountService;
import dev.tether.access.NewPasscode;
import dev.tether.account.Passcodes;
import dev.tether.account.Scope;
import dev.tether.batch.Days;
import dev.tether.store.PasscodeEntry;
import dev.tether.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "passcode", mixinStandardHelpOptions = true, description = "Adds, lists or revokes an account's passcodes.",
        subcommands = {PasscodeCommand.Add.class, PasscodeCommand.ListPasscodes.class, PasscodeCommand.Revoke.class})
final class PasscodeCommand {
    /** The UTC day of an epoch second. */
    private static String day(long epochSecond) {
        return LocalDate.ofInstant(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC).toString();
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Adds a passcode and prints it, once.")
    static final class Add implements Callable<Integer> {
        @Mixin
        DatabaseOptions database;

        @Mixin
        AccountOption account;

        @Option(names = "--name", paramLabel = "NAME", description = "What the passcode is for (1 to 64 letters, digits,"
                + " '.', '_' or '-'), shown by 'passcode list' and named in the audit trail; default: its hint.")
        @Nullable String name;

        @Option(names = "--scopes", paramLabel = "SCOPES", defaultValue = "read,write,disassociate,delete,audit",
                description = "What it may do, comma-separated: read, write, disassociate, delete, audit"
                        + " (default: all).")
        String scopes = "";

        @Option(names = "--expires", paramLabel = "YYYY-MM-DD",
                description = "The last day (UTC) it works; from the next day it is refused as invalid credentials.")
        @Nullable String expires;

        @Override
        public Integer call() {
            Optional<Long> expiresAt = Optional.ofNullable(expires).map(day -> Days.parse(day)
                    .orElseThrow(() -> new IllegalArgumentException("--expires: " + Days.NOT_VALID)))
                    .map(Days::endOf);
            NewPasscode spec = new NewPasscode(Optional.ofNullable(name), Scope.parse(scopes), expiresAt);
            try (Store store = database.open()) {
                System.out.println(new AccountService(store, Clock.systemUTC()).addPasscode(account.id, spec));
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists an account's passcodes by hint (their first group), active, expired and revoked, with"
                    + " their names, scopes, expiry and the last day they were used; a passcode itself is never"
                    + " stored, so never shown.")
    static final class ListPasscodes implements Callable<Integer> {
        @Mixin
        DatabaseOptions database;

        @Mixin
        AccountOption account;

        @Override
        public Integer call() {
            try (Store store = database.open()) {
                String format = "%-8s %-20s %-36s %-22s %-10s %-10s %s%n";
                System.out.printf(format, "HINT", "NAME", "SCOPES", "CREATED", "EXPIRES", "LAST USED", "STATUS");
                long now = Instant.now().getEpochSecond();
                for (PasscodeEntry entry : new AccountService(store, Clock.systemUTC()).passcodes(account.id)) {
                    String status = entry.revokedAt().map(at -> "revoked " + Instant.ofEpochSecond(at))
                            .orElse(Passcodes.expired(entry.expiresAt(), now) ? "expired" : "active");
                    System.out.printf(format, entry.hint(), entry.name(), Scope.written(entry.scopes()),
                            Instant.ofEpochSecond(entry.createdAt()),
                            entry.expiresAt().map(at -> day(at - 1)).orElse("never"),
                            entry.lastUsedAt().map(PasscodeCommand::day).orElse("never"), status);
                }
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revokes a passcode; the next request with it fails.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        DatabaseOptions database;

        @Mixin
        AccountOption account;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Which which;

        /** The passcode itself, or its hint as {@code passcode list} shows it (for a passcode that was lost). */
        static final class Which {
            @Option(names = "--passcode", required = true, paramLabel = "P", description = "The passcode to revoke.")
            String passcode;

            @Option(names = "--hint", required = true, paramLabel = "HINT",
                    description = "The hint of the passcode to revoke, as 'passcode list' shows it.")
            String hint;
        }

        @Override
        public Integer call() {
            try (Store store = database.open()) {
                AccountService accounts = new AccountService(store, Clock.systemUTC());
                boolean revoked = which.hint != null ? accounts.revokePasscodeByHint(account.id, which.hint)
                        : accounts.revokePasscode(account.id, which.passcode);
                if (!revoked) {
                    System.err.println("tether: no active passcode like that on account " + account.id);
                    return 1;
                }
            }
            System.out.println("revoked");
            return 0;
        }
    }
}
