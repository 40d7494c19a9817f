package dev.tether.cli;

import dev.tether.check.InvariantChecker;
import dev.tether.check.InvariantViolation;
import dev.tether.store.Store;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Checks the stored data against Tether's invariants; exits 1 when any is broken.")
final class CheckCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions database;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
            description = "Violations listed per invariant (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        try (Store store = database.open()) {
            List<InvariantViolation> violations = new InvariantChecker(store).violations(limit);
            for (InvariantViolation.Invariant invariant : InvariantViolation.Invariant.values()) {
                long broken = violations.stream().filter(v -> v.invariant() == invariant).count();
                System.out.println((broken == 0 ? "ok    " : "BROKEN") + "  " + invariant.rule()
                        + (broken == 0 ? "" : " (" + broken + (broken == limit ? "+" : "") + ")"));
            }
            for (InvariantViolation v : violations) {
                System.out.println("  " + v.invariant().name().toLowerCase(java.util.Locale.ROOT) + "  account " + v.accountId() + ": "
                        + v.detail());
            }
            System.out.println(violations.isEmpty() ? "all invariants hold" : violations.size() + " violations");
            return violations.isEmpty() ? 0 : 1;
        }
    }
}
