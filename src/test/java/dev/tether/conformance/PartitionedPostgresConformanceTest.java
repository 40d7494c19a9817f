package dev.tether.conformance;

import dev.tether.testing.Backend;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/**
 * The conformance suite on PostgreSQL with the account data hash-partitioned by account_id
 * ({@link Backend#POSTGRES_PARTITIONED}): every statement works, and reaches one partition, when each account lives
 * in one. Without, for CI time: the upgrade contract, which builds old schemas itself (partitioning follows the
 * newest one); the invariants contract, whose corruptions are written by hand and whose checker runs on a
 * partitioned database at the end of {@code ServerRaceTest}; the HTTP rules, which the storage never sees; and the
 * webhook contract, whose every statement the query-plan contract's workload runs here (delivery, listing,
 * pruning).
 */
@DisplayName("conformance on POSTGRES_PARTITIONED")
class PartitionedPostgresConformanceTest {
    private static final Backend BACKEND = Backend.POSTGRES_PARTITIONED;

    @Nested
    class ProfileRead extends ProfileReadContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class Store extends StoreContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class Upload extends UploadContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class Disassociate extends DisassociateContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class Race extends RaceContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class LockOrder extends LockOrderContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class Delete extends DeleteContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class Isolation extends IsolationContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class Limits extends LimitsContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class HostileInput extends HostileInputContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class Model extends ModelContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class IdentityChanges extends IdentityChangesContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class Subscribe extends SubscribeContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class Demerge extends DemergeContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class Export extends ExportContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class History extends HistoryContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class Reassigned extends ReassignedContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class NumberRecycling extends NumberRecyclingContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class BlockedValues extends BlockedValuesContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class MergeLimit extends MergeLimitContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class Scopes extends ScopeContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class Audit extends AuditContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class Idempotency extends IdempotencyContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }

    @Nested
    class QueryPlans extends QueryPlanContract {
        @Override
        protected Backend backend() {
            return BACKEND;
        }
    }
}
