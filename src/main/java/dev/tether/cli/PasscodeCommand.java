package dev.tether.cli;

import dev.tether.access.AccountService;
import dev.tether.store.Store;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "passcode", mixinStandardHelpOptions = true, description = "Adds or revokes an account's passcodes.",
        subcommands = {PasscodeCommand.Add.class, PasscodeCommand.Revoke.class})
final class PasscodeCommand {

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Adds a passcode and prints it, once.")
    static final class Add implements Callable<Integer> {
        @Mixin
        DatabaseOptions database;

        @Option(names = "--account", required = true, paramLabel = "ID", description = "Account id.")
        String account;

        @Override
        public Integer call() {
            try (Store store = database.open()) {
                System.out.println(new AccountService(store, Clock.systemUTC()).addPasscode(account));
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revokes a passcode; the next request with it fails.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        DatabaseOptions database;

        @Option(names = "--account", required = true, paramLabel = "ID", description = "Account id.")
        String account;

        @Option(names = "--passcode", required = true, paramLabel = "P", description = "The passcode to revoke.")
        String passcode;

        @Override
        public Integer call() {
            try (Store store = database.open()) {
                if (!new AccountService(store, Clock.systemUTC()).revokePasscode(account, passcode)) {
                    System.err.println("tether: no active passcode like that on account " + account);
                    return 1;
                }
            }
            System.out.println("revoked");
            return 0;
        }
    }
}
