package io.pipewatch.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pipewatch.collector.HistogramValue;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.ingest.IngestDecoder.Accepted;
import io.pipewatch.collector.ingest.IngestDecoder.DecodeResult;
import io.pipewatch.collector.ingest.IngestDecoder.Rejected;

/**
 * Jazzer fuzz test of {@link IngestDecoder}. Plain {@code mvn test} runs the seed corpus in {@code
 * IngestDecoderFuzzTestInputs/decodeNeverThrows}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class IngestDecoderFuzzTest {

  private static final IngestDecoder DECODER =
      IngestDecoder.create(
          new IngestSettings(
              1 << 16,
              64,
              8,
              64,
              64,
              64,
              java.time.Duration.ofSeconds(10),
              java.time.Duration.ofMinutes(1)));

  @FuzzTest(maxDuration = "30s")
  void decodeNeverThrows(byte[] body) {
    DecodeResult result = DECODER.decode(body, 1_732_350_000_000L);
    assertThat(result).isNotNull();
    if (result instanceof Rejected rejected) {
      assertThat(rejected.field()).isNotBlank().doesNotContain("\n");
      assertThat(rejected.message()).isNotBlank().doesNotContain("\n");
      return;
    }
    var ingest = ((Accepted) result).ingest();
    assertThat(ingest.sourceId()).isNotBlank();
    assertThat(ingest.timestampMillis()).isPositive();
    assertThat(ingest.samples().size()).isLessThanOrEqualTo(64);
    for (Sample sample : ingest.samples()) {
      assertThat(MetricNames.isValidMetricName(sample.name())).isTrue();
      assertThat(sample.labels().size()).isLessThanOrEqualTo(8);
      assertThat(sample.labels().keySet()).allMatch(MetricNames::isValidLabelName);
      assertThat(sample.labels().values()).allMatch(v -> !v.isEmpty());
      assertThat(Double.isFinite(sample.value())).isTrue();
      HistogramValue h = sample.histogram();
      if (h != null) {
        assertThat(h.count()).isNotNegative();
        assertThat(java.util.List.of(h.sum(), h.p50(), h.p90(), h.p95(), h.p99(), h.max()))
            .allMatch(Double::isFinite);
        assertThat(h.p50()).isLessThanOrEqualTo(h.p90());
        assertThat(h.p99()).isLessThanOrEqualTo(h.max());
      }
    }
  }
}
