package io.pipewatch.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MetricsExpositionIT {

  private static final List<SourceSnapshot> SOURCES =
      List.of(
          new SourceSnapshot(
              "ocr-1",
              1000,
              false,
              0,
              List.of(),
              List.of(
                  Sample.counter("docs_processed_total", Map.of("stage", "ocr"), 42),
                  Sample.gauge("queue.depth", Map.of("source", "upstream", "q-name", "in"), 7.5),
                  new Sample(
                      "latency",
                      Map.of(),
                      MetricKind.TIMER,
                      10,
                      new HistogramValue(10, 5000, 100, 900, 950, 990, 1000)))),
          new SourceSnapshot(
              "parse-1",
              1000,
              true,
              12,
              List.of(),
              List.of(
                  Sample.counter("docs_processed", Map.of("stage", "parse"), 40),
                  Sample.counter("queue.depth", Map.of(), 1)))); // kind clash: left out

  private static final SourceDirectory.NodeFigures FIGURES =
      new SourceDirectory.NodeFigures(2, 1, 9, 100, 1000, 3, 1, 1234.5);

  private static String render(String accept) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String type = MetricsExposition.write(out, accept, SOURCES, FIGURES);
    assertThat(type).isEqualTo(MetricsExposition.contentType(accept));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void prometheusTextHasCollectedSeriesWithSourceLabelAndOwnFigures() throws IOException {
    String text = render("text/plain");
    assertThat(MetricsExposition.contentType(null)).startsWith("text/plain; version=0.0.4");
    assertThat(text)
        .contains("docs_processed_total{source=\"ocr-1\",stage=\"ocr\"} 42.0")
        .contains("docs_processed_total{source=\"parse-1\",stage=\"parse\"} 40.0")
        .contains("queue_depth{exported_source=\"upstream\",q_name=\"in\",source=\"ocr-1\"} 7.5")
        .contains("latency{source=\"ocr-1\",quantile=\"0.99\"} 9.9E-7") // timer ns -> s
        .contains("latency_sum{source=\"ocr-1\"} 5.0E-6")
        .contains("latency_count{source=\"ocr-1\"} 10")
        .contains("pipewatch_ingest_samples_total 1000.0")
        .contains("pipewatch_refused_samples_total 3.0")
        .contains("pipewatch_source_up{source=\"parse-1\"} 0.0")
        .doesNotContain("queue_depth{source=\"parse-1\"}");
  }

  @Test
  void openMetricsWhenAskedFor() throws IOException {
    String accept = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    assertThat(MetricsExposition.contentType(accept)).startsWith("application/openmetrics-text");
    String text = render(accept);
    assertThat(text).endsWith("# EOF\n").contains("# TYPE docs_processed counter");
  }

  @Test
  void prometheusTextPassesPromtool() throws Exception {
    // promtool check metrics lints the Prometheus text format only (it reads OpenMetrics counter
    // families as metrics without help), so the OpenMetrics page is checked structurally above.
    File promtool = new File("/usr/bin/promtool");
    org.junit.jupiter.api.Assumptions.assumeTrue(promtool.canExecute(), "promtool not installed");
    for (String accept : List.of("text/plain", "*/*")) {
      Process p =
          new ProcessBuilder(promtool.getPath(), "check", "metrics")
              .redirectErrorStream(true)
              .start();
      p.getOutputStream().write(render(accept).getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(accept + ": " + output).isZero();
    }
  }
}
