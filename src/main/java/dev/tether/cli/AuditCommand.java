package dev.tether.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.access.AccountService;
import dev.tether.account.UnknownAccountException;
import dev.tether.audit.AuditJson;
import dev.tether.batch.Days;
import dev.tether.store.AuditEntry;
import dev.tether.store.Store;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Prints an account's audit trail, oldest first, one JSON object a line, as GET /1/audit.json"
                + " gives its records: who changed what, when, in which request.")
final class AuditCommand implements Callable<Integer> {
    /** Entries read per transaction: a long trail is printed as it is read, never held whole. */
    private static final int PAGE = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    DatabaseOptions database;

    @Mixin
    AccountOption account;

    @Option(names = "--since", paramLabel = "YYYY-MM-DD", description = "From this UTC day on (default: all kept).")
    @Nullable String since;

    @Override
    public Integer call() {
        long from = since == null ? 0 : Days.parse(since)
                .orElseThrow(() -> new IllegalArgumentException("--since: " + Days.NOT_VALID))
                .atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        try (Store store = database.open()) {
            if (new AccountService(store, Clock.systemUTC()).find(account.id).isEmpty()) {
                throw new UnknownAccountException(account.id);
            }
            long afterAt = Long.MIN_VALUE;
            String afterId = "";
            List<AuditEntry> page;
            do {
                long at = afterAt;
                String id = afterId;
                page = store.read(tx -> tx.audit().page(account.id, from, Long.MAX_VALUE, Optional.empty(), at, id,
                        PAGE));
                for (AuditEntry entry : page) {
                    ObjectNode line = JSON.createObjectNode();
                    AuditJson.write(line, entry);
                    System.out.println(line);
                }
                if (!page.isEmpty()) {
                    afterAt = page.get(page.size() - 1).at();
                    afterId = page.get(page.size() - 1).entryId();
                }
            } while (page.size() == PAGE);
        }
        return 0;
    }
}
