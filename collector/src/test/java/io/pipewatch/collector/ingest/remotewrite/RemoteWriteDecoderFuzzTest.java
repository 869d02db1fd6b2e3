package io.pipewatch.collector.ingest.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.ingest.IngestSettings;
import io.pipewatch.collector.ingest.MetricNames;
import java.io.IOException;
import org.xerial.snappy.Snappy;

/**
 * Jazzer fuzz test of {@link RemoteWriteDecoder}: the input as a snappy block and, compressed, as
 * the WriteRequest inside one. Plain {@code mvn test} runs the seed corpus; {@code JAZZER_FUZZ=1}
 * fuzzes.
 */
class RemoteWriteDecoderFuzzTest {
  private static final RemoteWriteDecoder DECODER =
      RemoteWriteDecoder.create(
          new IngestSettings(
              1 << 16,
              64,
              8,
              64,
              64,
              64,
              java.time.Duration.ofSeconds(10),
              java.time.Duration.ofMinutes(1)),
          RemoteWriteSettings.defaults());

  @FuzzTest(maxDuration = "30s")
  void decodeNeverThrows(byte[] body) throws IOException {
    check(DECODER.decode(body, RemoteWriteDecoderTest.NOW));
    check(DECODER.decode(Snappy.compress(body), RemoteWriteDecoderTest.NOW));
  }

  private static void check(RemoteWriteDecoder.Result result) {
    assertThat(result).isNotNull();
    if (result instanceof RemoteWriteDecoder.Rejected rejected) {
      assertThat(rejected.field()).isNotBlank();
      assertThat(rejected.message()).isNotBlank().doesNotContain("\n");
      return;
    }
    for (var batch : ((RemoteWriteDecoder.Accepted) result).batches()) {
      assertThat(batch.sourceId()).isNotBlank();
      assertThat(batch.samples()).hasSizeLessThanOrEqualTo(64);
      for (Sample s : batch.samples()) {
        assertThat(MetricNames.isValidMetricName(s.name())).isTrue();
        assertThat(s.labels().size()).isLessThanOrEqualTo(8);
        assertThat(Double.isFinite(s.value())).isTrue();
      }
    }
  }
}
