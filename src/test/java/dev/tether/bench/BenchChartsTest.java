package dev.tether.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The charts are well-formed SVG with a bar for each thing they show, sized by its value. */
class BenchChartsTest {
    private static BenchResult row(String workload, String path, int clients, long records, double p50, double p99) {
        return new BenchResult(workload, path, clients, 100, records, 1.0, p50, (p50 + p99) / 2, p99, 10, 100);
    }

    private static final List<BenchResult> RESULTS = List.of(
            row("GET /health", "http", 4, 0, 0.5, 2),
            row("GET /1/profile.json by phone", "http", 4, 500, 2, 9),
            row("upload new profiles", "in-process", 4, 10_000, 80, 120),
            row("upload new profiles", "http", 4, 8_000, 90, 150),
            row("disassociate", "in-process", 4, 5_000, 50, 70),
            row("disassociate", "http", 4, 6_000, 45, 65),
            row(Benchmark.IMPORT_ROW + " (profiles 1 to 100)", "http", 4, 900, 100, 400),
            row(Benchmark.IMPORT_ROW + " (profiles 101 to 200)", "http", 4, 300, 300, 3000),
            row("a <strange> & \"quoted\" workload", "http", 1, 1, 0.05, 20_000));

    private static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> bars(Document svg) {
        NodeList rects = svg.getElementsByTagName("rect");
        List<Element> bars = new ArrayList<>();
        for (int i = 0; i < rects.getLength(); i++) {
            Element rect = (Element) rects.item(i);
            if (rect.getAttribute("class").equals("bar")) {
                bars.add(rect);
            }
        }
        return bars;
    }

    private static double width(Element bar) {
        return Double.parseDouble(bar.getAttribute("width"));
    }

    @Test
    void ceilings_aBarForEachRatioOfTheReport_sizedByItsPercent() throws Exception {
        List<Element> bars = bars(parse(BenchCharts.ceilings(RESULTS)));
        // reads / health 100%, upload new 80%, disassociate 120%; updates were not measured
        assertThat(bars).extracting(bar -> bar.getTextContent()).containsExactly(
                "reads / health, 4 clients: 100%", "upload new: http / in-process, 4 clients: 80%",
                "disassociate: http / in-process, 4 clients: 120%");
        assertThat(width(bars.get(1)) / width(bars.get(0))).isCloseTo(0.8, Offset.offset(0.01));
        assertThat(width(bars.get(2)) / width(bars.get(0))).isCloseTo(1.2, Offset.offset(0.01));
    }

    @Test
    void latency_aBarFromP50ToP99ForEachHttpRow_onALogScale_andTextEscaped() throws Exception {
        String svg = BenchCharts.latency(RESULTS);
        List<Element> bars = bars(parse(svg));
        assertThat(bars).hasSize(7);
        // 2 to 9 ms and 45 to 65 ms: log widths, log10(9/2) against log10(65/45)
        assertThat(width(bars.get(1)) / width(bars.get(3))).isCloseTo(Math.log10(9 / 2.0) / Math.log10(65 / 45.0),
                Offset.offset(0.05));
        assertThat(svg).contains("a &lt;strange&gt; &amp; &quot;quoted&quot; workload");
    }

    @Test
    void freshUpload_aBarPerTenth_andNoChartWithoutAFreshUpload() throws Exception {
        List<Element> bars = bars(parse(BenchCharts.freshUpload(RESULTS).orElseThrow()));
        assertThat(bars).extracting(bar -> bar.getTextContent()).containsExactly(
                "profiles 1 to 100: 900 records/s", "profiles 101 to 200: 300 records/s");
        assertThat(width(bars.get(0)) / width(bars.get(1))).isCloseTo(3, Offset.offset(0.01));
        assertThat(BenchCharts.freshUpload(RESULTS.subList(0, 6))).isEmpty();
    }
}
