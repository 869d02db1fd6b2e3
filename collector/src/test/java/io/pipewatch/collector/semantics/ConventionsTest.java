package io.pipewatch.collector.semantics;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.collector.MetricKind;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every built-in convention on the real names of the system it is named after. */
class ConventionsTest {

  private final Semantics semantics = Semantics.defaults();

  @ParameterizedTest(name = "{0} {1} {2} -> {3} ({4})")
  @CsvSource({
    // OpenTelemetry semantic conventions, dotted and as the Prometheus exporter translates them
    "http.server.request.duration, HISTOGRAM, '', LATENCY, OpenTelemetry",
    "http_server_request_duration_seconds, HISTOGRAM, '', LATENCY, OpenTelemetry",
    "messaging.process.duration, HISTOGRAM, '', LATENCY, OpenTelemetry",
    "messaging_process_duration_seconds, HISTOGRAM, '', LATENCY, OpenTelemetry",
    "rpc.server.duration, HISTOGRAM, '', LATENCY, OpenTelemetry",
    "http.server.active_requests, GAUGE, '', IN_FLIGHT, OpenTelemetry",
    "messaging.client.consumed.messages, COUNTER, '', THROUGHPUT, OpenTelemetry",
    "process.cpu.utilization, GAUGE, '', CPU_UTILIZATION, OpenTelemetry",
    "process_cpu_utilization_ratio, GAUGE, '', CPU_UTILIZATION, OpenTelemetry",
    "system.cpu.utilization, GAUGE, '', CPU_UTILIZATION, OpenTelemetry",
    "system_cpu_utilization_ratio, GAUGE, '', CPU_UTILIZATION, OpenTelemetry",
    "system.memory.utilization, GAUGE, '', MEMORY_UTILIZATION, OpenTelemetry",
    "system_memory_usage_bytes, GAUGE, '', MEMORY_UTILIZATION, OpenTelemetry",
    "system.disk.io, COUNTER, '', IO_UTILIZATION, OpenTelemetry",
    "system_network_io_bytes_total, COUNTER, '', NETWORK_UTILIZATION, OpenTelemetry",
    "system.network.errors, COUNTER, '', NETWORK_SATURATION, OpenTelemetry",
    "jvm.memory.used, GAUGE, '', MEMORY_UTILIZATION, OpenTelemetry",
    "jvm_memory_used_bytes, GAUGE, '', MEMORY_UTILIZATION, OpenTelemetry",
    "jvm.memory.limit, GAUGE, '', MEMORY_LIMIT, OpenTelemetry",
    "jvm.cpu.recent_utilization, GAUGE, '', CPU_UTILIZATION, OpenTelemetry",
    "jvm_gc_duration_seconds, HISTOGRAM, '', MEMORY_SATURATION, OpenTelemetry",
    // node_exporter
    "node_cpu_seconds_total, COUNTER, mode=user, CPU_UTILIZATION, node_exporter",
    "node_cpu_seconds_total, COUNTER, mode=iowait, IO_SATURATION, node_exporter",
    "node_pressure_cpu_waiting_seconds_total, COUNTER, '', CPU_SATURATION, node_exporter",
    "node_pressure_memory_stalled_seconds_total, COUNTER, '', MEMORY_SATURATION, node_exporter",
    "node_pressure_io_waiting_seconds_total, COUNTER, '', IO_SATURATION, node_exporter",
    "node_disk_io_time_seconds_total, COUNTER, device=sda, IO_UTILIZATION, node_exporter",
    "node_memory_MemAvailable_bytes, GAUGE, '', MEMORY_UTILIZATION, node_exporter",
    "node_memory_MemTotal_bytes, GAUGE, '', MEMORY_LIMIT, node_exporter",
    "node_network_receive_errs_total, COUNTER, device=eth0, NETWORK_SATURATION, node_exporter",
    // cAdvisor
    "container_cpu_usage_seconds_total, COUNTER, '', CPU_UTILIZATION, cAdvisor",
    "container_cpu_cfs_throttled_seconds_total, COUNTER, '', CPU_SATURATION, cAdvisor",
    "container_memory_working_set_bytes, GAUGE, '', MEMORY_UTILIZATION, cAdvisor",
    "container_spec_memory_limit_bytes, GAUGE, '', MEMORY_LIMIT, cAdvisor",
    "container_fs_io_time_seconds_total, COUNTER, '', IO_UTILIZATION, cAdvisor",
    "container_network_transmit_bytes_total, COUNTER, '', NETWORK_UTILIZATION, cAdvisor",
    // Micrometer / Spring Boot
    "http_server_requests_seconds, HISTOGRAM, uri=/orders, LATENCY, Micrometer",
    "executor_completed_tasks_total, COUNTER, name=applicationTaskExecutor, THROUGHPUT, Micrometer",
    "executor_active_threads, GAUGE, '', IN_FLIGHT, Micrometer",
    "executor_queued_tasks, GAUGE, '', QUEUE_LENGTH, Micrometer",
    "executor_pool_size_threads, GAUGE, '', WORKERS, Micrometer",
    "hikaricp_connections_active, GAUGE, pool=HikariPool-1, IN_FLIGHT, Micrometer",
    "hikaricp_connections_pending, GAUGE, pool=HikariPool-1, QUEUE_LENGTH, Micrometer",
    "hikaricp_connections_max, GAUGE, pool=HikariPool-1, WORKERS, Micrometer",
    "hikaricp_connections_timeout_total, COUNTER, pool=HikariPool-1, ERRORS, Micrometer",
    "jvm_memory_max_bytes, GAUGE, area=heap, MEMORY_LIMIT, Micrometer",
    "process_cpu_usage, GAUGE, '', CPU_UTILIZATION, Micrometer",
    // Kafka
    "kafka_consumergroup_lag, GAUGE, consumergroup=billing, CONSUMER_LAG, Kafka",
    "kafka_consumergroup_lag_sum, GAUGE, consumergroup=billing, CONSUMER_LAG, Kafka",
    "records-lag-max, GAUGE, '', CONSUMER_LAG, Kafka",
    "kafka_consumer_fetch_manager_metrics_records_lag_max, GAUGE, '', CONSUMER_LAG, Kafka",
    "kafka_consumer_fetch_manager_metrics_records_consumed_total, COUNTER, '', THROUGHPUT, Kafka",
    // Pipewatch's own probe
    "host_cpu_utilization_ratio, GAUGE, '', CPU_UTILIZATION, Pipewatch probe",
    "host_pressure_io_some_ratio, GAUGE, '', IO_SATURATION, Pipewatch probe",
    "jvm_heap_used_bytes, GAUGE, '', MEMORY_UTILIZATION, Pipewatch probe",
    // the demo pipeline
    "pipeline_documents_processed_total, COUNTER, stage=parse, THROUGHPUT, demo pipeline",
    "pipeline_stage_queue_depth, GAUGE, stage=parse, QUEUE_LENGTH, demo pipeline",
    "pipeline_stage_queue_capacity, GAUGE, stage=parse, QUEUE_CAPACITY, demo pipeline",
    "pipeline_stage_latency_seconds, TIMER, stage=parse, LATENCY, demo pipeline",
    // generic name/kind/unit rules
    "jobs_completed_total, COUNTER, '', THROUGHPUT, generic",
    "orders_processed_total, COUNTER, '', THROUGHPUT, generic",
    "tasks_succeeded, COUNTER, '', THROUGHPUT, generic",
    "jobs_rejected_total, COUNTER, '', ERRORS, generic",
    "payments_failed_total, COUNTER, '', ERRORS, generic",
    "jobs_submitted_total, COUNTER, '', ARRIVALS, generic",
    "frames_received_total, COUNTER, '', ARRIVALS, generic",
    "job_duration_seconds, HISTOGRAM, '', LATENCY, generic",
    "job_queue_length, GAUGE, '', QUEUE_LENGTH, generic",
    "job_queue_limit, GAUGE, '', QUEUE_CAPACITY, generic",
    "frame_queue_depth, GAUGE, '', QUEUE_LENGTH, generic",
    "frame_queue_capacity, GAUGE, '', QUEUE_CAPACITY, generic",
    "worker_threads, GAUGE, '', WORKERS, generic",
    "renderer_busy, GAUGE, '', IN_FLIGHT, generic",
  })
  void realNamesGetTheirRole(
      String name, MetricKind kind, String label, Role role, String convention) {
    Map<String, String> labels =
        label.isEmpty() ? Map.of() : Map.of(label.split("=")[0], label.split("=")[1]);
    RoleMatch m = semantics.resolve(name, kind, labels, null, null);
    assertThat(m.role()).as(m.reason()).isEqualTo(role);
    assertThat(m.origin()).isEqualTo(RoleMatch.Origin.CONVENTION);
    assertThat(m.reason()).contains(convention);
  }

  @ParameterizedTest(name = "{0} has no role")
  @CsvSource({"go_goroutines, GAUGE", "build_info, GAUGE", "cache_entries, GAUGE"})
  void unknownNamesSayNone(String name, MetricKind kind) {
    RoleMatch m = semantics.resolve(name, kind, Map.of(), null, null);
    assertThat(m.matched()).isFalse();
    assertThat(m.origin()).isEqualTo(RoleMatch.Origin.NONE);
    assertThat(m.reason()).contains("no convention");
  }

  @ParameterizedTest(name = "queue pair of {0}")
  @CsvSource({
    "job_queue_length, job_queue_limit, job_queue",
    "frame_queue_depth, frame_queue_capacity, frame_queue",
    "pipeline_stage_queue_depth, pipeline_stage_queue_capacity, pipeline_stage_queue"
  })
  void queueLevelsAndLimitsPair(String level, String limit, String pair) {
    assertThat(semantics.resolve(level, MetricKind.GAUGE, Map.of(), null, null).pair())
        .isEqualTo(pair);
    assertThat(semantics.resolve(limit, MetricKind.GAUGE, Map.of(), null, null).pair())
        .isEqualTo(pair);
  }
}
