package io.pipewatch.collector.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pipewatch.collector.HistogramValue;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.ingest.IngestSettings;
import io.pipewatch.collector.ingest.MetricNames;

/**
 * Jazzer fuzz test of {@link OtlpDecoder}, protobuf and JSON. Plain {@code mvn test} runs the seed
 * corpus; {@code JAZZER_FUZZ=1} fuzzes.
 */
class OtlpDecoderFuzzTest {
  private static final OtlpDecoder DECODER =
      OtlpDecoder.create(
          new IngestSettings(
              1 << 16,
              64,
              8,
              64,
              64,
              64,
              java.time.Duration.ofSeconds(10),
              java.time.Duration.ofMinutes(1)),
          OtlpSettings.defaults());

  @FuzzTest(maxDuration = "30s")
  void decodeNeverThrows(byte[] body) {
    check(DECODER.decode(body, OtlpDecoder.Format.PROTOBUF, OtlpDecoderTest.NOW));
    check(DECODER.decode(body, OtlpDecoder.Format.JSON, OtlpDecoderTest.NOW));
  }

  private static void check(OtlpDecoder.Result result) {
    assertThat(result).isNotNull();
    if (result instanceof OtlpDecoder.Rejected rejected) {
      assertThat(rejected.message()).isNotBlank().doesNotContain("\n");
      return;
    }
    var decoded = (OtlpDecoder.Decoded) result;
    assertThat(decoded.rejectedPoints()).isNotNegative();
    for (OtlpDecoder.Batch batch : decoded.batches()) {
      assertThat(batch.ingest().sourceId()).isNotBlank();
      assertThat(batch.ingest().samples()).hasSameSizeAs(batch.meta()).hasSizeLessThanOrEqualTo(64);
      for (Sample sample : batch.ingest().samples()) {
        assertThat(MetricNames.isValidMetricName(sample.name())).isTrue();
        assertThat(sample.labels().size()).isLessThanOrEqualTo(8);
        assertThat(sample.labels().keySet()).allMatch(MetricNames::isValidLabelName);
        assertThat(Double.isFinite(sample.value())).isTrue();
        HistogramValue h = sample.histogram();
        if (h != null) {
          assertThat(java.util.List.of(h.sum(), h.p50(), h.p90(), h.p95(), h.p99(), h.max()))
              .allMatch(Double::isFinite);
          assertThat(h.p50()).isLessThanOrEqualTo(h.p90());
          assertThat(h.p99()).isLessThanOrEqualTo(h.max());
        }
      }
    }
  }
}
