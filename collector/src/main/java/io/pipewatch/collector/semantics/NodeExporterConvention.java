package io.pipewatch.collector.semantics;

/**
 * Prometheus node_exporter (github.com/prometheus/node_exporter): CPU seconds per mode, pressure
 * stall information, disk busy time, memory, network. Counters of seconds are stored as rates, so
 * they are ratios: {@code rate(node_cpu_seconds_total{mode="user"})} is the share of one CPU.
 */
final class NodeExporterConvention implements Convention {

  @Override
  public String name() {
    return "node_exporter";
  }

  @Override
  public RoleMatch match(SeriesFacts s) {
    if (!s.starts("node_")) {
      return null;
    }
    if (s.is("node_cpu_seconds_total")) {
      String mode = s.label("mode");
      return switch (mode) {
        case "iowait" ->
            role(Role.IO_SATURATION, Unit.RATIO, "CPU time idle waiting for I/O").scoped("mode");
        case "idle" -> RoleMatch.none(name() + ": idle CPU time (utilisation is its complement)");
        case "steal" ->
            role(Role.CPU_SATURATION, Unit.RATIO, "CPU time stolen by the hypervisor")
                .scoped("mode");
        default ->
            role(Role.CPU_UTILIZATION, Unit.RATIO, "CPU seconds in mode " + mode).scoped("mode");
      };
    }
    if (s.is("node_pressure_cpu_waiting_seconds_total")) {
      return role(Role.CPU_SATURATION, Unit.RATIO, "CPU pressure (PSI some)");
    }
    if (s.starts("node_pressure_memory_")) {
      return role(Role.MEMORY_SATURATION, Unit.RATIO, "memory pressure (PSI)");
    }
    if (s.starts("node_pressure_io_")) {
      return role(Role.IO_SATURATION, Unit.RATIO, "I/O pressure (PSI)");
    }
    if (s.is("node_disk_io_time_seconds_total")) {
      return role(Role.IO_UTILIZATION, Unit.RATIO, "disk busy seconds per second (iostat %util)");
    }
    if (s.is("node_disk_io_time_weighted_seconds_total")) {
      // seconds of queued requests per second: the average queue length, not a 0..1 share
      return role(Role.IO_SATURATION, Unit.COUNT, "weighted disk queue time");
    }
    if (s.is("node_disk_read_bytes_total", "node_disk_written_bytes_total")) {
      return role(Role.IO_UTILIZATION, Unit.BYTES, "disk traffic");
    }
    if (s.is("node_memory_memavailable_bytes")) {
      return role(Role.MEMORY_UTILIZATION, Unit.BYTES, "memory available (used is its complement)")
          .paired("node_memory");
    }
    if (s.is("node_memory_memtotal_bytes")) {
      return role(Role.MEMORY_LIMIT, Unit.BYTES, "memory installed").paired("node_memory");
    }
    if (s.is("node_vmstat_pgmajfault", "node_vmstat_pswpin")) {
      return role(Role.MEMORY_SATURATION, Unit.PER_SECOND, "major faults / swap-ins");
    }
    if (s.is("node_network_receive_bytes_total", "node_network_transmit_bytes_total")) {
      return role(Role.NETWORK_UTILIZATION, Unit.BYTES, "network traffic");
    }
    if (s.starts("node_network_")
        && (s.normalized().endsWith("_errs_total") || s.normalized().endsWith("_drop_total"))) {
      return role(Role.NETWORK_SATURATION, Unit.PER_SECOND, "network errors and drops");
    }
    if (s.is("node_load1")) {
      return role(Role.CPU_SATURATION, Unit.COUNT, "runnable and blocked tasks (load average)");
    }
    if (s.is("node_disk_reads_completed_total", "node_disk_writes_completed_total")) {
      return role(Role.IO_UTILIZATION, Unit.PER_SECOND, "disk operations");
    }
    if (s.is("node_disk_io_now")) {
      return role(Role.IO_SATURATION, Unit.COUNT, "disk requests in progress");
    }
    // node_exporter's other figures (file systems, entropy, build info, ...) carry no role; the
    // generic rules would misread some of them (node_disk_writes_merged_total is not throughput)
    return RoleMatch.none(name() + ": a node figure without a role");
  }
}
