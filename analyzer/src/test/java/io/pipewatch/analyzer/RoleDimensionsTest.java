package io.pipewatch.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.SeriesPoint;
import io.pipewatch.collector.semantics.Semantics;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which dimension a series feeds by its role: only figures whose shape the rules can judge. */
class RoleDimensionsTest {

  @ParameterizedTest(name = "{0} ({1}) -> {3}")
  @CsvSource({
    "jobs_completed_total, COUNTER, '', THROUGHPUT",
    "jobs_rejected_total, COUNTER, '', ERRORS",
    "jobs_submitted_total, COUNTER, '', ARRIVALS",
    "job_duration_seconds_p99, HISTOGRAM, '', LATENCY",
    "job_duration_seconds_p95, HISTOGRAM, '', LATENCY_P95",
    "job_duration_seconds_p50, HISTOGRAM, '', ''",
    "job_duration_seconds_rate, HISTOGRAM, '', ''",
    "job_queue_length, GAUGE, '', QUEUE_LENGTH",
    "kafka_consumergroup_lag, GAUGE, '', CONSUMER_LAG",
    "node_pressure_io_waiting_seconds_total, COUNTER, '', IO_PRESSURE",
    "node_pressure_memory_stalled_seconds_total, COUNTER, '', MEMORY_PRESSURE",
    "node_disk_io_time_seconds_total, COUNTER, device=sda, IO_UTILIZATION",
    // an average queue length and cores in use are not 0..1 shares: not judged as ratios
    "node_disk_io_time_weighted_seconds_total, COUNTER, device=sda, ''",
    "container_cpu_usage_seconds_total, COUNTER, '', ''",
    // a breakdown per CPU mode, and memory in use without its limit, are not mapped
    "node_cpu_seconds_total, COUNTER, mode=user, ''",
    "node_memory_MemAvailable_bytes, GAUGE, '', ''",
    "process_cpu_utilization_ratio, GAUGE, '', CPU",
    "go_goroutines, GAUGE, '', ''",
  })
  void aSeriesFeedsTheDimensionOfItsRole(
      String name, MetricKind kind, String label, String dimension) {
    Map<String, String> labels =
        label.isEmpty() ? Map.of() : Map.of(label.split("=")[0], label.split("=")[1]);
    SeriesPoint p = new SeriesPoint(SeriesPoint.id(name, labels), name, labels, kind, 1, 0);
    var role = Semantics.defaults().resolve(RoleDimensions.metricName(p), kind, labels, null, null);
    Dimension d = RoleDimensions.of(role, p);
    assertThat(d == null ? "" : d.name()).as(role.reason()).isEqualTo(dimension);
  }
}
