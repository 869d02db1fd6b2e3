package io.pipewatch.optimizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pipewatch.collector.Collector;
import io.pipewatch.collector.HistogramValue;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Observations come from roles: two unrelated naming schemes give the same signals. */
class ObservationBuilderTest {

  private static Optional<Observation> feed(ObservationBuilder b, List<List<Sample>> batches) {
    Optional<Observation> last = Optional.empty();
    long t = 1_000;
    for (List<Sample> batch : batches) {
      t += 500;
      last = b.add(new Collector.Ingest("s", t, batch));
    }
    return last;
  }

  private static List<Sample> jobs(double completed, double failed, double queue) {
    return List.of(
        Sample.counter("jobs_submitted_total", Map.of(), completed * 1.2),
        Sample.counter("jobs_completed_total", Map.of(), completed),
        Sample.counter("jobs_rejected_total", Map.of(), failed),
        Sample.gauge("job_queue_length", Map.of(), queue),
        Sample.gauge("job_queue_limit", Map.of(), 2_000),
        new Sample(
            "job_duration_seconds",
            Map.of(),
            MetricKind.HISTOGRAM,
            10,
            new HistogramValue(10, 1, 0.1, 0.2, 0.3, 0.4, 0.5)));
  }

  @Test
  void aStrangerServicesNamesGiveThroughputErrorsQueueAndLatency() {
    Observation o =
        feed(
                new ObservationBuilder(1_000),
                List.of(jobs(0, 0, 0), jobs(100, 0, 500), jobs(200, 10, 1_000)))
            .orElseThrow();
    assertThat(o.get(Signals.THROUGHPUT)).isCloseTo(200, within(1e-9));
    assertThat(o.get(Signals.RECEIVED)).isCloseTo(240, within(1e-9));
    assertThat(o.get(Signals.ERROR_RATIO)).isCloseTo(10 / 210.0, within(1e-9));
    assertThat(o.get(Signals.QUEUE_FILL)).isCloseTo(0.375, within(1e-9));
    assertThat(o.get(Signals.LATENCY_P99)).isCloseTo(0.4, within(1e-9));
  }

  @Test
  void theDemoPipelinesNamesAreOneConventionAmongOthers() {
    Map<String, String> stage = Map.of("stage", "embed");
    List<List<Sample>> batches =
        List.of(
            List.of(
                Sample.counter("pipeline_documents_processed_total", stage, 0),
                Sample.counter("pipeline_documents_completed_total", stage, 0)),
            List.of(
                Sample.counter("pipeline_documents_processed_total", stage, 50),
                Sample.counter("pipeline_documents_completed_total", stage, 40),
                Sample.gauge("pipeline_stage_in_flight", stage, 8),
                Sample.gauge(
                    "pipeline_memory_pool_used_bytes", Map.of("pool", "embed_buffers"), 64),
                Sample.gauge(
                    "pipeline_memory_pool_capacity_bytes", Map.of("pool", "embed_buffers"), 128),
                new Sample(
                    "pipeline_ipc_latency_seconds",
                    stage,
                    MetricKind.TIMER,
                    4,
                    new HistogramValue(4, 4e7, 1e7, 1e7, 1e7, 2e7, 2e7))),
            List.of(
                Sample.counter("pipeline_documents_processed_total", stage, 100),
                Sample.counter("pipeline_documents_completed_total", stage, 80)));
    Observation o = feed(new ObservationBuilder(1_000), batches).orElseThrow();
    // the stage's own throughput, not the whole pipeline's
    assertThat(o.get(Signals.THROUGHPUT)).isCloseTo(100, within(1e-9));
    assertThat(o.get(Signals.IN_FLIGHT)).isEqualTo(8);
    assertThat(o.get(Signals.POOL_USED)).isEqualTo(64);
    assertThat(o.get(Signals.POOL_CAPACITY)).isEqualTo(128);
    assertThat(o.get(Signals.IPC_P99)).isCloseTo(0.02, within(1e-12));
    assertThat(o.has(Signals.LATENCY_P99)).isFalse();
  }
}
