package io.pipewatch.collector.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pipewatch.collector.HistogramValue;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.ingest.MetricNames;
import io.pipewatch.collector.scrape.TextFormatParser.ParseResult;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer fuzz test of {@link TextFormatParser}. Plain {@code mvn test} runs the seed corpus in
 * {@code TextFormatParserFuzzTestInputs/parseNeverThrows}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class TextFormatParserFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void parseNeverThrows(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    ParseResult result = TextFormatParser.parse(text);

    assertThat(result.badLines()).isNotNegative();
    assertThat(result.errors()).hasSizeLessThanOrEqualTo(TextFormatParser.MAX_ERRORS);
    assertThat(result.errors().size()).isLessThanOrEqualTo(result.badLines());
    long lines = text.chars().filter(c -> c == '\n').count() + 1;
    assertThat((long) result.badLines() + result.sampleLines()).isLessThanOrEqualTo(lines);
    for (var error : result.errors()) {
      assertThat(error.line()).isBetween(1, (int) lines);
      assertThat(error.message()).isNotBlank();
    }
    for (Sample sample : result.samples()) {
      assertThat(MetricNames.isValidMetricName(sample.name())).isTrue();
      assertThat(Double.isFinite(sample.value())).as("value of %s", sample).isTrue();
      HistogramValue h = sample.histogram();
      if (h != null) {
        assertThat(h.count()).isNotNegative();
        double[] q = {h.p50(), h.p90(), h.p95(), h.p99(), h.max()};
        for (int i = 0; i < q.length; i++) {
          assertThat(Double.isFinite(q[i])).as("quantile %d of %s", i, sample).isTrue();
          if (i > 0) {
            assertThat(q[i]).as("quantiles of %s", sample).isGreaterThanOrEqualTo(q[i - 1]);
          }
        }
      }
    }
  }
}
