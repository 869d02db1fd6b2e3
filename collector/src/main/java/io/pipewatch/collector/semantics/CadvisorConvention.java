package io.pipewatch.collector.semantics;

/**
 * cAdvisor's container metrics (github.com/google/cadvisor docs/storage/prometheus.md), as the
 * kubelet exposes them: CPU seconds and throttling, working set against the memory limit, file
 * system and network traffic, pressure stall information.
 */
final class CadvisorConvention implements Convention {

  @Override
  public String name() {
    return "cAdvisor";
  }

  @Override
  public RoleMatch match(SeriesFacts s) {
    if (!s.starts("container_")) {
      return null;
    }
    if (s.is("container_cpu_usage_seconds_total")) {
      // cores in use (seconds per second over all CPUs): a ratio only against the limit
      return role(Role.CPU_UTILIZATION, Unit.COUNT, "container CPU seconds per second");
    }
    if (s.is("container_pressure_cpu_waiting_seconds_total")) {
      return role(Role.CPU_SATURATION, Unit.RATIO, "container CPU pressure (PSI)");
    }
    if (s.is("container_cpu_cfs_throttled_seconds_total")) {
      return role(Role.CPU_SATURATION, Unit.COUNT, "container CPU throttled (seconds per second)");
    }
    if (s.is("container_memory_working_set_bytes", "container_memory_usage_bytes")) {
      return role(Role.MEMORY_UTILIZATION, Unit.BYTES, "container memory in use")
          .paired("container_memory");
    }
    if (s.is("container_spec_memory_limit_bytes")) {
      return role(Role.MEMORY_LIMIT, Unit.BYTES, "container memory limit")
          .paired("container_memory");
    }
    if (s.starts("container_pressure_memory_")) {
      return role(Role.MEMORY_SATURATION, Unit.RATIO, "container memory pressure (PSI)");
    }
    if (s.starts("container_pressure_io_")) {
      return role(Role.IO_SATURATION, Unit.RATIO, "container I/O pressure (PSI)");
    }
    if (s.is("container_fs_io_time_seconds_total")) {
      return role(Role.IO_UTILIZATION, Unit.RATIO, "container disk busy time");
    }
    if (s.is("container_fs_reads_bytes_total", "container_fs_writes_bytes_total")) {
      return role(Role.IO_UTILIZATION, Unit.BYTES, "container disk traffic");
    }
    if (s.is("container_network_receive_bytes_total", "container_network_transmit_bytes_total")) {
      return role(Role.NETWORK_UTILIZATION, Unit.BYTES, "container network traffic");
    }
    if (s.starts("container_network_")
        && (s.normalized().contains("errors") || s.normalized().contains("dropped"))) {
      return role(Role.NETWORK_SATURATION, Unit.PER_SECOND, "container network errors and drops");
    }
    return null;
  }
}
