package dev.tether.reassigned;

import dev.tether.batch.BatchResult;
import dev.tether.identity.IdentityKey;
import dev.tether.store.HistoryEntry;
import dev.tether.work.UnitOfWork;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /1/identity/reassigned.json}: the FCC Reassigned Numbers Database's question asked of this account's
 * own history, for up to a batch of numbers in one read: one statement for all of them.
 */
public final class ReassignedService {

    /** One processed record's answer. */
    public record Answer(IdentityKey phone, String date, Verdict verdict) {
    }

    /** The batch envelope and, for the processed records in request order, their answers. */
    public record Result(BatchResult batch, List<Answer> answers) {
    }

    public Result check(UnitOfWork unit, ReassignedRequest request) {
        Map<IdentityKey, List<HistoryEntry>> histories = unit.reads().bindings().histories(unit.account().id(),
                request.phones());
        List<Answer> answers = new ArrayList<>();
        BatchResult batch = BatchResult.of(request.records(), i -> {
            ReassignedRequest.Question question = request.questions().get(i).orThrow();
            answers.add(new Answer(question.phone(), question.date().toString(),
                    Verdict.of(histories.getOrDefault(question.phone(), List.of()), question.date())));
        });
        return new Result(batch, answers);
    }
}
