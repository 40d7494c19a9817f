package dev.tether.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The report's pictures, SVG files beside bench.md: {@code ceilings.svg} (each ratio the report stands on, a bar per
 * client count against the 100% of its ceiling), {@code latency.svg} (p50, p95 and p99 of every row through HTTP, on
 * a logarithmic scale) and {@code fresh-upload.svg} (the upload into a fresh database, a tenth at a time). Plain SVG
 * written here: three bar charts need no chart library (DECISIONS.md, "The benchmark's charts").
 */
final class BenchCharts {
    static final String CEILINGS = "ceilings.svg";
    static final String LATENCY = "latency.svg";
    static final String FRESH_UPLOAD = "fresh-upload.svg";

    /** Label column: about 6.6 px a character at 12 px sans-serif, at most this wide (longer labels are cut). */
    private static final int MAX_LABELS = 640;
    private static final int PLOT = 330;
    private static final int BAR = 16;
    private static final int GAP = 6;
    private static final int TOP = 48;
    private static final String[] SHADES = {"#1f5f8b", "#4f9bd0", "#a9d1ee", "#d0e6f5"};

    private BenchCharts() {
    }

    static void write(Path dir, List<BenchResult> results) throws IOException {
        Files.writeString(dir.resolve(CEILINGS), ceilings(results));
        Files.writeString(dir.resolve(LATENCY), latency(results));
        Optional<String> fresh = freshUpload(results);
        if (fresh.isPresent()) {
            Files.writeString(dir.resolve(FRESH_UPLOAD), fresh.get());
        }
    }

    /** A bar per ratio and client count, in percent of its ceiling, the 100% line drawn. */
    static String ceilings(List<BenchResult> results) {
        List<Integer> clients = results.stream().map(BenchResult::clients).distinct()
                .filter(c -> BenchReport.find(results, "GET /health", "http", c).isPresent()).toList();
        List<Bar> bars = new ArrayList<>();
        for (BenchReport.Against against : BenchReport.CEILINGS) {
            for (int c : clients) {
                against.percent(results, c).ifPresent(percent -> bars.add(new Bar(against.label() + ", " + c
                        + (c == 1 ? " client" : " clients"), percent, clients.indexOf(c),
                        String.format(Locale.ROOT, "%.0f%%", percent))));
            }
        }
        double max = Math.max(100, bars.stream().mapToDouble(Bar::value).max().orElse(100));
        Svg svg = new Svg("Each rate against its ceiling (the same work without HTTP, or /health)",
                bars.stream().map(Bar::label).toList());
        svg.verticalLine(100 / max, "100%");
        bars.forEach(bar -> svg.bar(bar, 0, bar.value() / max));
        return svg.end("percent of the ceiling; shade: client count " + clients);
    }

    /** A bar from p50 to p99 per HTTP row, p95 marked, on a log scale from 0.1 ms to 10 s. */
    static String latency(List<BenchResult> results) {
        List<BenchResult> rows = results.stream().filter(r -> r.path().equals("http") && r.p99Ms() > 0).toList();
        Svg svg = new Svg("Latency of every row through HTTP: p50 to p99, p95 marked (log scale)",
                rows.stream().map(BenchCharts::rowLabel).toList());
        for (double ms : new double[] {1, 10, 100, 1000}) {
            svg.verticalLine(logScale(ms), ms >= 1000 ? (int) (ms / 1000) + " s" : (int) ms + " ms");
        }
        for (BenchResult row : rows) {
            Bar bar = new Bar(rowLabel(row), row.p99Ms(), 0, String.format(Locale.ROOT,
                    "%.1f / %.1f / %.1f ms", row.p50Ms(), row.p95Ms(), row.p99Ms()));
            svg.bar(bar, logScale(row.p50Ms()), logScale(row.p99Ms()));
            svg.mark(logScale(row.p95Ms()));
        }
        return svg.end("milliseconds: the bar runs from the median to the 99th percentile");
    }

    /** The fresh database's upload, a bar per tenth in records a second; empty when the run had none. */
    static Optional<String> freshUpload(List<BenchResult> results) {
        List<BenchResult> slices = results.stream()
                .filter(r -> r.workload().startsWith(Benchmark.IMPORT_ROW + " (")).toList();
        if (slices.isEmpty()) {
            return Optional.empty();
        }
        double max = slices.stream().mapToDouble(BenchResult::recordsPerSecond).max().orElse(1);
        List<String> labels = slices.stream().map(slice -> slice.workload().substring(Benchmark.IMPORT_ROW.length())
                .trim().replaceAll("^\\((.*)\\)$", "$1")).toList();
        Svg svg = new Svg("Upload into a fresh database, " + Benchmark.IMPORT_CLIENTS + " clients, a tenth at a time",
                labels);
        for (int i = 0; i < slices.size(); i++) {
            double rate = slices.get(i).recordsPerSecond();
            svg.bar(new Bar(labels.get(i), rate, 0, String.format(Locale.ROOT, "%,.0f records/s", rate)), 0,
                    rate / max);
        }
        return Optional.of(svg.end("records a second in each tenth of the upload"));
    }

    private static String rowLabel(BenchResult row) {
        return row.workload() + ", " + row.clients();
    }

    /** 0.1 ms at the left edge, 10 s at the right. */
    private static double logScale(double ms) {
        double clamped = Math.min(10_000, Math.max(0.1, ms));
        return (Math.log10(clamped) + 1) / 5;
    }

    private record Bar(String label, double value, int shade, String text) {
    }

    /** Horizontal bars, a label at the left of each, the plot area a fraction from 0 to 1 wide. */
    private static final class Svg {
        private final StringBuilder out = new StringBuilder();
        private final int labels;
        private final int height;
        private final int plot = PLOT;
        private int y = TOP;

        Svg(String title, List<String> barLabels) {
            int longest = barLabels.stream().mapToInt(String::length).max().orElse(10);
            labels = Math.min(MAX_LABELS, 16 + (int) (longest * 6.6));
            int width = labels + PLOT + 170;
            height = TOP + barLabels.size() * (BAR + GAP) + 40;
            out.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                    + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width,
                    height));
            out.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", width,
                    height));
            out.append(String.format(Locale.ROOT, "<text x=\"8\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s"
                    + "</text>%n", escape(title)));
        }

        void verticalLine(double fraction, String label) {
            double x = labels + fraction * plot;
            out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999999\""
                    + " stroke-dasharray=\"4 3\"/>%n", x, TOP - 8, x, height - 30));
            out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555555\">"
                    + "%s</text>%n", x, TOP - 12, escape(label)));
        }

        void bar(Bar bar, double from, double to) {
            double x = labels + from * plot;
            double width = Math.max(1, (to - from) * plot);
            int fits = (int) ((labels - 16) / 6.6);
            String label = bar.label().length() <= fits ? bar.label() : bar.label().substring(0, fits - 1) + "…";
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    labels - 8, y + BAR - 4, escape(label)));
            out.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\""
                    + " fill=\"%s\"><title>%s</title></rect>%n", x, y, width, BAR, SHADES[bar.shade() % SHADES.length],
                    escape(bar.label() + ": " + bar.text())));
            out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>%n", x + width + 6, y + BAR - 4,
                    escape(bar.text())));
            y += BAR + GAP;
        }

        /** A tick on the bar just drawn. */
        void mark(double fraction) {
            double x = labels + fraction * plot;
            int barTop = y - BAR - GAP;
            out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000000\""
                    + " stroke-width=\"2\"/>%n", x, barTop - 2, x, barTop + BAR + 2));
        }

        String end(String axis) {
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#555555\">%s</text>%n", labels,
                    height - 12, escape(axis)));
            return out.append("</svg>\n").toString();
        }

        private static String escape(String text) {
            return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
        }
    }
}
