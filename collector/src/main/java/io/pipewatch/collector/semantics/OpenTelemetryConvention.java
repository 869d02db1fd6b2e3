package io.pipewatch.collector.semantics;

/**
 * OpenTelemetry semantic conventions (HTTP, RPC, messaging, process, system, JVM metrics), in their
 * dotted form ({@code http.server.request.duration}) and as the Prometheus exporter translates them
 * ({@code http_server_request_duration_seconds}, {@code process_cpu_utilization_ratio}). See
 * opentelemetry.io/docs/specs/semconv (metrics of http, rpc, messaging, process, system, jvm).
 */
final class OpenTelemetryConvention implements Convention {

  @Override
  public String name() {
    return "OpenTelemetry semconv";
  }

  @Override
  public RoleMatch match(SeriesFacts s) {
    if (s.is(
        "http_server_request_duration",
        "http_server_duration",
        "rpc_server_duration",
        "messaging_process_duration",
        "messaging_receive_duration",
        "messaging_client_operation_duration")) {
      return role(Role.LATENCY, Unit.SECONDS, "server or consumer duration " + s.name());
    }
    if (s.is("http_server_active_requests", "messaging_process_active")) {
      return role(Role.IN_FLIGHT, Unit.COUNT, "requests in progress");
    }
    if (s.is("messaging_client_consumed_messages", "messaging_process_messages")) {
      return role(Role.THROUGHPUT, Unit.PER_SECOND, "messages consumed");
    }
    if (s.is("messaging_client_sent_messages", "messaging_publish_messages")) {
      return role(Role.ARRIVALS, Unit.PER_SECOND, "messages published");
    }
    if (s.is(
        "process_cpu_utilization",
        "system_cpu_utilization",
        "jvm_cpu_recent_utilization",
        "container_cpu_utilization")) {
      return role(Role.CPU_UTILIZATION, Unit.RATIO, "CPU utilization (unit 1)");
    }
    if (s.is("process_cpu_time", "jvm_cpu_time", "system_cpu_time")) {
      return role(Role.CPU_UTILIZATION, Unit.COUNT, "CPU seconds per second (cores in use)");
    }
    if (s.is("system_memory_utilization")) {
      return role(Role.MEMORY_UTILIZATION, Unit.RATIO, "memory utilization (unit 1)");
    }
    if (s.is("system_memory_usage", "process_memory_usage", "jvm_memory_used")) {
      return role(Role.MEMORY_UTILIZATION, Unit.BYTES, "memory in use")
          .paired(s.stem().replace("_used", "").replace("_usage", ""));
    }
    if (s.is("jvm_memory_limit", "system_memory_limit")) {
      return role(Role.MEMORY_LIMIT, Unit.BYTES, "memory limit")
          .paired(s.stem().replace("_limit", ""));
    }
    if (s.is("jvm_gc_duration")) {
      return role(Role.MEMORY_SATURATION, Unit.SECONDS, "garbage collection pauses");
    }
    if (s.is("system_disk_io", "system_disk_operations")) {
      return role(Role.IO_UTILIZATION, Unit.BYTES, "disk traffic");
    }
    if (s.is("system_disk_io_time", "system_disk_operation_time")) {
      return role(Role.IO_UTILIZATION, Unit.RATIO, "disk busy seconds per second");
    }
    if (s.is("system_network_io", "system_network_packets")) {
      return role(Role.NETWORK_UTILIZATION, Unit.BYTES, "network traffic");
    }
    if (s.is("system_network_errors", "system_network_dropped", "system_network_packet_dropped")) {
      return role(Role.NETWORK_SATURATION, Unit.PER_SECOND, "network errors and drops");
    }
    if (s.is("jvm_thread_count")) {
      return role(Role.WORKERS, Unit.COUNT, "JVM threads");
    }
    return null;
  }
}
