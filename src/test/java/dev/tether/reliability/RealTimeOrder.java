package dev.tether.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import dev.tether.store.HistoryEntry;
import dev.tether.store.Store;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A check of stored histories against what clients saw and when, in the spirit of Jepsen's Elle: each client notes
 * when it sent a disassociation and when it was answered, and what became of each number in it. Afterwards every
 * number's history must agree with that real-time order: each number answered as cut has a binding of its own that
 * ended {@code disassociated} within its request's time (no two answers share one, and the history has no such end
 * that no answer accounts for), and no number answered 543 (held by nobody) has a binding that was active for the
 * whole of its request's time. Times in the history are seconds, so a request's time is widened to whole seconds.
 */
final class RealTimeOrder {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer about one number: cut, or not held by anybody, in the request that began and ended then. */
    private record Answer(boolean cut, long fromSecond, long toSecond) {
    }

    private final Map<String, Map<String, List<Answer>>> answers = new ConcurrentHashMap<>();

    /**
     * A disassociation's answer: each number it sent is cut, but those its answer names as unprocessed: 543 (held by
     * nobody), or refused for another code (nothing is said of its binding then).
     */
    void disassociated(String accountId, String body, JsonNode response, long startedMillis, long answeredMillis) {
        List<String> unbound = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (JsonNode record : response.path("unprocessed")) {
            (record.path("code").asInt() == 543 ? unbound : refused).add(record.path("record").path("value").asText());
        }
        long from = Math.floorDiv(startedMillis, 1000);
        long to = Math.floorDiv(answeredMillis + 999, 1000);
        Map<String, List<Answer>> byNumber = answers.computeIfAbsent(accountId, a -> new ConcurrentHashMap<>());
        try {
            for (JsonNode record : JSON.readTree(body).path("d")) {
                String number = record.path("value").asText();
                if (refused.remove(number)) {
                    continue;
                }
                boolean cut = !unbound.remove(number);
                byNumber.computeIfAbsent(number, n -> new CopyOnWriteArrayList<>()).add(new Answer(cut, from, to));
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the stored histories contradict, one line each. */
    List<String> contradictions(Store store) {
        List<String> found = new ArrayList<>();
        answers.forEach((accountId, byNumber) -> {
            List<IdentityKey> keys = byNumber.keySet().stream().map(IdentityKey::phone).toList();
            Map<IdentityKey, List<HistoryEntry>> histories = store.read(tx -> tx.bindings().histories(accountId, keys));
            new TreeMap<>(byNumber).forEach((number, said) -> found.addAll(contradictions(accountId + " " + number,
                    histories.getOrDefault(IdentityKey.phone(number), List.of()), said)));
        });
        return found;
    }

    private static List<String> contradictions(String name, List<HistoryEntry> history, List<Answer> said) {
        List<String> found = new ArrayList<>();
        List<Long> ends = new ArrayList<>(history.stream()
                .filter(entry -> entry.endReason().filter(r -> r == BindingReason.DISASSOCIATED).isPresent())
                .map(entry -> entry.to().orElseThrow()).sorted().toList());
        List<Answer> cuts = said.stream().filter(Answer::cut).sorted(Comparator.comparingLong(Answer::toSecond))
                .toList();
        // each cut answer takes the earliest end within its time, answers that end first choosing first: if any
        // assignment gives every answer an end of its own, this one does
        for (Answer cut : cuts) {
            int match = -1;
            for (int i = 0; i < ends.size() && match < 0; i++) {
                if (ends.get(i) >= cut.fromSecond() && ends.get(i) <= cut.toSecond()) {
                    match = i;
                }
            }
            if (match < 0) {
                found.add(name + ": answered as cut in [" + cut.fromSecond() + ", " + cut.toSecond()
                        + "], but no binding of it ended disassociated then that no other answer accounts for: "
                        + history);
            } else {
                ends.remove(match);
            }
        }
        if (!ends.isEmpty()) {
            found.add(name + ": ended disassociated at " + ends + " with no answer that cut it then: " + history);
        }
        for (Answer none : said.stream().filter(a -> !a.cut()).toList()) {
            history.stream().filter(entry -> entry.from() < none.fromSecond()
                            && entry.to().map(to -> to > none.toSecond()).orElse(true)).findFirst()
                    .ifPresent(entry -> found.add(name + ": answered 543 (held by nobody) in [" + none.fromSecond()
                            + ", " + none.toSecond() + "], while " + entry + " was active all that time"));
        }
        return found;
    }
}
