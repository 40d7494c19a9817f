package dev.tether.cli;

import dev.tether.access.AccountService;
import dev.tether.store.PasscodeEntry;
import dev.tether.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "passcode", mixinStandardHelpOptions = true, description = "Adds, lists or revokes an account's passcodes.",
        subcommands = {PasscodeCommand.Add.class, PasscodeCommand.ListPasscodes.class, PasscodeCommand.Revoke.class})
final class PasscodeCommand {

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Adds a passcode and prints it, once.")
    static final class Add implements Callable<Integer> {
        @Mixin
        DatabaseOptions database;

        @Mixin
        AccountOption account;

        @Override
        public Integer call() {
            try (Store store = database.open()) {
                System.out.println(new AccountService(store, Clock.systemUTC()).addPasscode(account.id));
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists an account's passcodes by hint (their first group), active and revoked; a passcode "
                    + "itself is never stored, so never shown.")
    static final class ListPasscodes implements Callable<Integer> {
        @Mixin
        DatabaseOptions database;

        @Mixin
        AccountOption account;

        @Override
        public Integer call() {
            try (Store store = database.open()) {
                System.out.printf("%-8s %-22s %s%n", "HINT", "CREATED", "STATUS");
                for (PasscodeEntry entry : new AccountService(store, Clock.systemUTC()).passcodes(account.id)) {
                    System.out.printf("%-8s %-22s %s%n", entry.hint(), Instant.ofEpochSecond(entry.createdAt()),
                            entry.revokedAt().map(at -> "revoked " + Instant.ofEpochSecond(at)).orElse("active"));
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
