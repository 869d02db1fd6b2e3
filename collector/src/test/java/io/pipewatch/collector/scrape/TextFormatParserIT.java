package io.pipewatch.collector.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pipewatch.collector.HistogramValue;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.scrape.TextFormatParser.ParseError;
import io.pipewatch.collector.scrape.TextFormatParser.ParseResult;
import io.pipewatch.collector.testing.Promtool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextFormatParserIT {

  static String resource(String name) throws IOException {
    try (InputStream in = TextFormatParserIT.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Sample find(ParseResult result, String name, Map<String, String> labels) {
    return result.samples().stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + labels + " in " + result.samples()));
  }

  @Test
  void theFixtureIsValidForPromtool() throws IOException {
    Promtool.Result check = Promtool.checkMetrics(resource("sample-exposition.txt"));
    assertThat(check.exitCode()).as(check.output()).isZero();
  }

  @Test
  void parsesEveryKindOfTheFixture() throws IOException {
    ParseResult result = TextFormatParser.parse(resource("sample-exposition.txt"));

    assertThat(result.errors()).isEmpty();
    assertThat(result.badLines()).isZero();
    assertThat(result.sampleLines()).isEqualTo(18);
    assertThat(result.nonFiniteSkipped()).isEqualTo(1); // queue_depth{queue="idle"} NaN
    assertThat(find(result, "docs_processed_total", Map.of("stage", "parse")))
        .isEqualTo(Sample.counter("docs_processed_total", Map.of("stage", "parse"), 1027));
    assertThat(
            find(
                    result,
                    "docs_processed_total",
                    Map.of("stage", "index", "note", "a \"quoted\" \\ back\nslash"))
                .value())
        .isEqualTo(3);
    assertThat(find(result, "queue_depth", Map.of("queue", "in")))
        .isEqualTo(Sample.gauge("queue_depth", Map.of("queue", "in"), -150));
    assertThat(find(result, "temperature_celsius", Map.of()).kind()).isEqualTo(MetricKind.GAUGE);

    Sample histogram = find(result, "request_duration_seconds", Map.of("route", "/a"));
    assertThat(histogram.kind()).isEqualTo(MetricKind.HISTOGRAM);
    assertThat(histogram.value()).isEqualTo(100);
    HistogramValue h = histogram.histogram();
    assertThat(h.count()).isEqualTo(100);
    assertThat(h.sum()).isEqualTo(45.5);
    // rank 50 falls in (0.1, 0.5] holding ranks 11..60: 0.1 + 0.4 * 40/50
    assertThat(h.p50()).isCloseTo(0.42, within(1e-9));
    assertThat(h.p90()).isCloseTo(1.0, within(1e-9));
    assertThat(h.p95()).isEqualTo(1.0); // in the +Inf bucket: the highest finite bound
    assertThat(h.max()).isEqualTo(1.0);

    HistogramValue s = find(result, "rpc_duration_seconds", Map.of()).histogram();
    assertThat(s.count()).isEqualTo(100);
    assertThat(s.p50()).isEqualTo(0.2);
    assertThat(s.p90()).isEqualTo(0.5);
    assertThat(s.p95()).isCloseTo(0.5 + 0.4 * (0.05 / 0.09), within(1e-9));
    assertThat(s.p99()).isEqualTo(0.9);
    assertThat(s.max()).isEqualTo(0.9);

    assertThat(find(result, "gc_duration_seconds_sum", Map.of()))
        .isEqualTo(Sample.counter("gc_duration_seconds_sum", Map.of(), 1.5));
    assertThat(find(result, "gc_duration_seconds_count", Map.of()).value()).isEqualTo(7);
    assertThat(result.samples()).allMatch(sample -> Double.isFinite(sample.value()));
  }

  @Test
  void anEmptyHistogramHasZeroQuantiles() {
    ParseResult result =
        TextFormatParser.parse(
            "# TYPE h histogram\nh_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 0\nh_sum 0\nh_count 0\n");
    assertThat(result.badLines()).isZero();
    assertThat(result.samples())
        .containsExactly(
            new Sample(
                "h", Map.of(), MetricKind.HISTOGRAM, 0, new HistogramValue(0, 0, 0, 0, 0, 0, 0)));
  }

  @Test
  void acceptsCarriageReturnsTrailingCommasAndBlankLines() {
    ParseResult result =
        TextFormatParser.parse("\n  a{x=\"1\",} 2\r\n\t\nb 3 -5\r\n# just a comment\n");
    assertThat(result.badLines()).isZero();
    assertThat(result.samples())
        .containsExactly(Sample.gauge("a", Map.of("x", "1"), 2), Sample.gauge("b", Map.of(), 3));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "invalid metric name      | 1abc 3                             | invalid metric name",
        "missing value            | abc                                | missing value",
        "unparsable value         | abc 1x                             | invalid value",
        "extra token              | abc 1 2 3                          | unexpected text",
        "bad timestamp            | abc 1 1.5                          | invalid timestamp",
        "unterminated labels      | abc{x=\"1\" 1                        | expected ',' or '}'",
        "unterminated label value | abc{x=\"1} 1                         | unterminated value",
        "bad escape               | abc{x=\"\\t\"} 1                     | invalid escape",
        "label without quotes     | abc{x=1} 1                         | expected '\"'",
        "repeated label           | abc{x=\"1\",x=\"2\"} 1                 | repeated label x",
        "label name with digit    | abc{1x=\"1\"} 1                      | invalid label name",
        "unknown type             | # TYPE abc timer                   | unknown type",
        "repeated series          | abc 1\\nabc 2                       | repeated series",
        "second TYPE              | # TYPE abc gauge\\n# TYPE abc counter | second # TYPE",
        "TYPE after samples       | abc 1\\n# TYPE abc gauge             | after its samples",
        "bucket without le        | # TYPE h histogram\\nh_bucket 1\\nh_sum 1\\nh_count 1 | without the le label",
        "quantile line without it | # TYPE s summary\\ns 1\\ns_sum 1\\ns_count 1 | without the quantile label",
        "histogram without sum    | # TYPE h histogram\\nh_bucket{le=\"+Inf\"} 1\\nh_count 1 | lacks its _sum",
        "decreasing buckets       | # TYPE h histogram\\nh_bucket{le=\"1\"} 5\\nh_bucket{le=\"+Inf\"} 3\\nh_sum 1\\nh_count 3 | decreasing",
      })
  void countsABadLineAndKeepsGoing(String title, String body, String message) {
    String text = "good_before 1\n" + body.replace("\\n", "\n") + "\ngood_after 2\n";
    ParseResult result = TextFormatParser.parse(text);

    assertThat(result.badLines()).as(title).isEqualTo(1);
    assertThat(result.errors()).as(title).hasSize(1);
    ParseError error = result.errors().get(0);
    assertThat(error.message()).as(title).contains(message);
    assertThat(error.line()).as(title).isBetween(2, text.split("\n").length - 1);
    assertThat(result.samples())
        .as(title)
        .contains(
            Sample.gauge("good_before", Map.of(), 1), Sample.gauge("good_after", Map.of(), 2));
    // The real Prometheus parser refuses the same text.
    Promtool.Result check = Promtool.checkMetrics(text);
    assertThat(check.exitCode()).as(title + ": " + check.output()).isNotZero();
  }

  @Test
  void keepsOnlyTheFirstErrorsButCountsAll() {
    ParseResult result = TextFormatParser.parse("x\n".repeat(12) + "ok 1\n");
    assertThat(result.badLines()).isEqualTo(12);
    assertThat(result.errors()).hasSize(TextFormatParser.MAX_ERRORS);
    assertThat(result.errors().get(4).line()).isEqualTo(5);
    assertThat(result.samples()).containsExactly(Sample.gauge("ok", Map.of(), 1));
  }

  @Test
  void readsGoStyleSpecialValues() {
    assertThat(TextFormatParser.parseValue("+Inf")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(TextFormatParser.parseValue("-Inf")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(TextFormatParser.parseValue("NaN")).isNaN();
    assertThat(TextFormatParser.parseValue("1.5e+06")).isEqualTo(1.5e6);
  }
}
