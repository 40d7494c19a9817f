package dev.tether.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.access.AccountService;
import dev.tether.account.Account;
import dev.tether.account.BlockedValues;
import dev.tether.account.ConflictPolicy;
import dev.tether.account.UnknownAccountException;
import dev.tether.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "account", mixinStandardHelpOptions = true, description = "Creates, lists and changes accounts.",
        subcommands = {AccountCommand.Create.class, AccountCommand.ListAccounts.class, AccountCommand.Show.class,
            AccountCommand.Update.class})
final class AccountCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates an account and prints its id and first passcode (shown only once).")
    static final class Create implements Callable<Integer> {
        @Mixin
        DatabaseOptions database;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "Account name.")
        String name;

        @Option(names = "--region", paramLabel = "R", defaultValue = "${env:TETHER_REGION:-local}",
                description = "Region the account lives in (env TETHER_REGION, default ${DEFAULT-VALUE}).")
        String region;

        @Option(names = "--identities", paramLabel = "KINDS", split = ",", defaultValue = "identity,email,phone",
                description = "Which kinds identify users: identity (always), email, phone (default: all).")
        List<String> identities;

        @Option(names = "--conflict-policy", paramLabel = "POLICY", defaultValue = "reject",
                description = "When an upload names an identity another profile holds: reject, transfer or merge "
                        + "(default ${DEFAULT-VALUE}).")
        String conflictPolicy;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            checkKinds(identities);
            ConflictPolicy policy = policy(conflictPolicy);
            AccountService.NewAccount spec = new AccountService.NewAccount(name, region,
                    has(identities, "email"), has(identities, "phone"), policy);
            try (Store store = database.open()) {
                AccountService.Created created = new AccountService(store, Clock.systemUTC()).create(spec);
                if (json) {
                    System.out.println(JSON.writeValueAsString(describe(created.account(), Optional.of(created.passcode()))));
                } else {
                    System.out.println("account id: " + created.account().id());
                    System.out.println("passcode:   " + created.passcode() + "   (shown only now; keep it)");
                    System.out.println("region:     " + created.account().region());
                    System.out.println("identities: " + String.join(",", created.account().identityNames()));
                }
            }
            return 0;
        }

    }

    private static void checkKinds(List<String> identities) {
        for (String kind : identities) {
            if (!List.of("identity", "email", "phone").contains(kind.trim().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("unknown identity kind '" + kind
                        + "' (expected identity, email or phone)");
            }
        }
    }

    private static boolean has(List<String> identities, String kind) {
        return identities.stream().anyMatch(k -> k.trim().equalsIgnoreCase(kind));
    }

    private static ConflictPolicy policy(String name) {
        try {
            return ConflictPolicy.fromStoredName(name.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown conflict policy '" + name
                    + "' (expected reject, transfer or merge)");
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Changes an account's name, identity kinds, conflict policy or blocked values; unnamed "
                    + "settings stay. It takes effect on the next request, also on servers that are running.")
    static final class Update implements Callable<Integer> {
        @Mixin
        DatabaseOptions database;

        @Mixin
        AccountOption account;

        @Option(names = "--name", paramLabel = "NAME", description = "New account name.")
        Optional<String> name;

        @Option(names = "--identities", paramLabel = "KINDS", split = ",",
                description = "Which kinds identify users from now on: identity (always), email, phone. Bindings "
                        + "of a kind turned off stay in the history; lookups stop using that kind.")
        List<String> identities = List.of();

        @Option(names = "--conflict-policy", paramLabel = "POLICY",
                description = "reject, transfer or merge, for uploads from now on.")
        Optional<String> conflictPolicy;

        @Option(names = "--blocked-values", paramLabel = "FILE",
                description = "The identity values that identify nobody in this account from now on, one a line "
                        + "(compared without regard to case after trimming; an empty file: none). Values already "
                        + "held keep their bindings.")
        Optional<Path> blockedValues;

        @Option(names = "--max-merges-per-day", paramLabel = "N",
                description = "How many other profiles one profile may absorb by merges in any 24 hours (at least 1; "
                        + "new accounts: 25); a record whose merge would pass it is refused (554).")
        Optional<Integer> maxMergesPerDay;

        @Option(names = "--default-blocked-values",
                description = "Back to the default blocked values (null, undefined, guest, 0, ...).")
        boolean defaultBlockedValues;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            checkKinds(identities);
            if (blockedValues.isPresent() && defaultBlockedValues) {
                throw new IllegalArgumentException("give --blocked-values or --default-blocked-values, not both");
            }
            Optional<List<String>> kinds = identities.isEmpty() ? Optional.empty() : Optional.of(identities);
            Optional<BlockedValues> blocked = defaultBlockedValues ? Optional.of(BlockedValues.defaults())
                    : blockedValues.map(AccountCommand::readBlockedValues);
            AccountService.Settings settings = new AccountService.Settings(name,
                    kinds.map(k -> has(k, "email")), kinds.map(k -> has(k, "phone")),
                    conflictPolicy.map(AccountCommand::policy), blocked, maxMergesPerDay);
            try (Store store = database.open()) {
                Account updated = new AccountService(store, Clock.systemUTC()).update(account.id, settings);
                print(updated, json);
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Shows one account's settings, its blocked values among them (never passcodes).")
    static final class Show implements Callable<Integer> {
        @Mixin
        DatabaseOptions database;

        @Mixin
        AccountOption account;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (Store store = database.open()) {
                Account found = new AccountService(store, Clock.systemUTC()).find(account.id)
                        .orElseThrow(() -> new UnknownAccountException(account.id));
                print(found, json);
            }
            return 0;
        }
    }

    private static void print(Account account, boolean json) throws IOException {
        if (json) {
            System.out.println(JSON.writeValueAsString(describe(account, Optional.empty())));
            return;
        }
        System.out.println("account id: " + account.id());
        System.out.println("name:       " + account.name());
        System.out.println("region:     " + account.region());
        System.out.println("identities: " + String.join(",", account.identityNames()));
        System.out.println("conflicts:  " + account.conflictPolicy().storedName());
        System.out.println("blocked:    " + (account.blockedValues().own().isPresent() ? "" : "(the defaults) ")
                + String.join(" | ", account.blockedValues().describe()));
        System.out.println("merges:     at most " + account.maxMergesPerDay() + " into one profile in 24 hours");
    }

    /** One value a line, as UTF-8; blank lines are none. */
    private static BlockedValues readBlockedValues(Path file) {
        try {
            return BlockedValues.of(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the blocked values in " + file + ": " + e.getMessage());
        }
    }

    static ObjectNode describe(Account account, Optional<String> passcode) {
        ObjectNode node = JSON.createObjectNode();
        node.put("accountId", account.id());
        passcode.ifPresent(p -> node.put("passcode", p));
        node.put("region", account.region());
        node.set("identities", JSON.valueToTree(account.identityNames()));
        node.put("name", account.name());
        node.put("conflictPolicy", account.conflictPolicy().storedName());
        node.set("blockedValues", JSON.valueToTree(account.blockedValues().own().orElse(BlockedValues.DEFAULTS)));
        node.put("blockedValuesAreTheDefaults", account.blockedValues().own().isEmpty());
        node.put("maxMergesPerDay", account.maxMergesPerDay());
        return node;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists accounts (never passcodes).")
    static final class ListAccounts implements Callable<Integer> {
        @Mixin
        DatabaseOptions database;

        @Option(names = "--json", description = "Print one JSON array instead of text.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (Store store = database.open()) {
                List<Account> accounts = new AccountService(store, Clock.systemUTC()).list();
                if (json) {
                    System.out.println(JSON.writeValueAsString(accounts.stream()
                            .map(a -> describe(a, Optional.empty())).toList()));
                    return 0;
                }
                System.out.printf("%-14s %-8s %-22s %-9s %s%n", "ACCOUNT", "REGION", "IDENTITIES", "CONFLICTS", "NAME");
                for (Account a : accounts) {
                    System.out.printf("%-14s %-8s %-22s %-9s %s%n", a.id(), a.region(),
                            String.join(",", a.identityNames()), a.conflictPolicy().storedName(), a.name());
                }
            }
            return 0;
        }
    }
}
