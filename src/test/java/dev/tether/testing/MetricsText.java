package dev.tether.testing;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one sample's value out of a {@code GET /metrics} answer, for tests that count with the server's own meters.
 * Whether the text is valid Prometheus format is a parser's question, asked in {@code MetricsAndLogsTest}.
 */
public final class MetricsText {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private MetricsText() {
    }

    /** The sample's value, or 0 when the server has no such series (a counter not yet moved). */
    public static double value(String text, String name, Map<String, String> labels) {
        for (String line : text.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches() || !sample.group(1).equals(name)) {
                continue;
            }
            Map<String, String> found = new TreeMap<>();
            if (sample.group(3) != null) {
                Matcher label = LABEL.matcher(sample.group(3));
                while (label.find()) {
                    found.put(label.group(1), label.group(2));
                }
            }
            if (found.equals(new TreeMap<>(labels))) {
                return Double.parseDouble(sample.group(4));
            }
        }
        return 0;
    }

    /** The values a label takes across the samples of one name, each once. */
    public static Set<String> labelValues(String text, String name, String labelName) {
        Set<String> values = new TreeSet<>();
        for (String line : text.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (sample.matches() && sample.group(1).equals(name) && sample.group(3) != null) {
                Matcher label = LABEL.matcher(sample.group(3));
                while (label.find()) {
                    if (label.group(1).equals(labelName)) {
                        values.add(label.group(2));
                    }
                }
            }
        }
        return values;
    }
}
