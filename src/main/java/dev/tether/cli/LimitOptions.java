package dev.tether.cli;

import dev.tether.config.Limits;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Every limit of API.md's table, set per server by flag or environment variable; the defaults are API.md's. */
final class LimitOptions {
    @Option(names = "--records-per-request", paramLabel = "N",
            defaultValue = "${env:TETHER_RECORDS_PER_REQUEST:-1000}",
            description = "Records per upload, disassociate, subscribe or reassignment-check request; more is 400 "
                    + "(env TETHER_RECORDS_PER_REQUEST, default ${DEFAULT-VALUE}).")
    int recordsPerRequest;

    @Option(names = "--values-per-request", paramLabel = "N", defaultValue = "${env:TETHER_VALUES_PER_REQUEST:-100}",
            description = "Values per delete or demerge request; more is 400 "
                    + "(env TETHER_VALUES_PER_REQUEST, default ${DEFAULT-VALUE}).")
    int valuesPerRequest;

    @Option(names = "--concurrent-batch-limit", paramLabel = "N",
            defaultValue = "${env:TETHER_CONCURRENT_BATCH_LIMIT:-15}",
            description = "Requests of one account in flight at once, counted per API, on upload, disassociate, "
                    + "subscribe, the reassignment check and the number recycling check each; more get 429 "
                    + "(env TETHER_CONCURRENT_BATCH_LIMIT, default ${DEFAULT-VALUE}).")
    int concurrentBatchLimit;

    @Option(names = "--concurrent-bulk-limit", paramLabel = "N",
            defaultValue = "${env:TETHER_CONCURRENT_BULK_LIMIT:-3}",
            description = "Requests of one account in flight at once, counted per API, on delete, demerge, each "
                    + "export, counts and history each; more get 429 (env TETHER_CONCURRENT_BULK_LIMIT, "
                    + "default ${DEFAULT-VALUE}).")
    int concurrentBulkLimit;

    @Option(names = "--max-body-bytes", paramLabel = "BYTES",
            defaultValue = "${env:TETHER_MAX_BODY_BYTES:-16777216}",
            description = "Largest request body; more is 413 (env TETHER_MAX_BODY_BYTES, default ${DEFAULT-VALUE}, "
                    + "16 MiB).")
    long maxBodyBytes;

    @Option(names = "--max-key-bytes", paramLabel = "BYTES", defaultValue = "${env:TETHER_MAX_KEY_BYTES:-120}",
            description = "Largest profile property key, in UTF-8 bytes; more is record code 547 "
                    + "(env TETHER_MAX_KEY_BYTES, default ${DEFAULT-VALUE}).")
    int maxKeyBytes;

    @Option(names = "--max-value-bytes", paramLabel = "BYTES", defaultValue = "${env:TETHER_MAX_VALUE_BYTES:-512}",
            description = "Largest profile property value, in UTF-8 bytes; more is record code 547 "
                    + "(env TETHER_MAX_VALUE_BYTES, default ${DEFAULT-VALUE}).")
    int maxValueBytes;

    @Option(names = "--max-custom-keys", paramLabel = "N", defaultValue = "${env:TETHER_MAX_CUSTOM_KEYS:-256}",
            description = "Custom property keys of one profile; more is record code 547 "
                    + "(env TETHER_MAX_CUSTOM_KEYS, default ${DEFAULT-VALUE}).")
    int maxCustomKeys;

    @Option(names = "--max-event-data-keys", paramLabel = "N",
            defaultValue = "${env:TETHER_MAX_EVENT_DATA_KEYS:-256}",
            description = "Keys of one event's evtData; more is record code 522 "
                    + "(env TETHER_MAX_EVENT_DATA_KEYS, default ${DEFAULT-VALUE}).")
    int maxEventDataKeys;

    @Option(names = "--export-pages-in-flight", paramLabel = "N",
            defaultValue = "${env:TETHER_EXPORT_PAGES_IN_FLIGHT:-2}",
            description = "Export pages this server streams at once, over all accounts; each holds a database "
                    + "connection while its client reads it, so keep it under --pool-size; more wait up to 10 s for "
                    + "a turn (env TETHER_EXPORT_PAGES_IN_FLIGHT, default ${DEFAULT-VALUE}).")
    int exportPagesInFlight;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** The limits as given; a limit under 1 is a usage error. */
    Limits limits() {
        try {
            return new Limits(recordsPerRequest, maxBodyBytes, maxKeyBytes, maxValueBytes, maxCustomKeys,
                maxEventDataKeys, valuesPerRequest, concurrentBatchLimit, concurrentBulkLimit, exportPagesInFlight);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
