package dev.tether.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.access.AccountService;
import dev.tether.account.Account;
import dev.tether.account.ConflictPolicy;
import dev.tether.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "account", mixinStandardHelpOptions = true, description = "Creates, lists and changes accounts.",
        subcommands = {AccountCommand.Create.class, AccountCommand.ListAccounts.class, AccountCommand.Update.class})
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
            description = "Changes an account's name, identity kinds or conflict policy; unnamed settings stay. "
                    + "It takes effect on the next request, also on servers that are running.")
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

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            checkKinds(identities);
            Optional<List<String>> kinds = identities.isEmpty() ? Optional.empty() : Optional.of(identities);
            AccountService.Settings settings = new AccountService.Settings(name,
                    kinds.map(k -> has(k, "email")), kinds.map(k -> has(k, "phone")),
                    conflictPolicy.map(AccountCommand::policy));
            try (Store store = database.open()) {
                Account updated = new AccountService(store, Clock.systemUTC()).update(account.id, settings);
                if (json) {
                    System.out.println(JSON.writeValueAsString(describe(updated, Optional.empty())));
                } else {
                    System.out.println("account id: " + updated.id());
                    System.out.println("name:       " + updated.name());
                    System.out.println("identities: " + String.join(",", updated.identityNames()));
                    System.out.println("conflicts:  " + updated.conflictPolicy().storedName());
                }
            }
            return 0;
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
