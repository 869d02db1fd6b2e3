package io.pipewatch.collector.ingest.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.collector.Sample;
import io.pipewatch.collector.ingest.IngestSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RemoteWriteEncoderTest {
  @Test
  void whatTheEncoderWritesTheDecoderReads() {
    long now = RemoteWriteDecoderTest.NOW;
    byte[] body =
        RemoteWriteEncoder.encode(
            List.of(
                new RemoteWriteEncoder.Series(
                    Map.of("__name__", "queue_depth", "source", "svc", "stage", "parse"),
                    17.5,
                    now),
                new RemoteWriteEncoder.Series(
                    Map.of("__name__", "jobs_total", "source", "svc"), 42, now)));
    var decoder =
        RemoteWriteDecoder.create(
            IngestSettings.defaults(), new RemoteWriteSettings(List.of("source"), "@"));
    var accepted = (RemoteWriteDecoder.Accepted) decoder.decode(body, now);
    assertThat(accepted.batches()).hasSize(1);
    assertThat(accepted.batches().get(0).sourceId()).isEqualTo("svc");
    assertThat(accepted.batches().get(0).samples())
        .containsExactly(
            Sample.gauge("queue_depth", Map.of("stage", "parse"), 17.5),
            Sample.counter("jobs_total", Map.of(), 42));
  }
}
