package io.pipewatch.collector.semantics;

/**
 * The names of Pipewatch's own host, cgroup and JVM probe ({@code io.pipewatch.collector.probe}).
 * Breakdowns of a figure that has a total of its own (CPU time per mode) carry scope {@code mode}.
 */
final class HostProbeConvention implements Convention {

  @Override
  public String name() {
    return "Pipewatch probe";
  }

  @Override
  public RoleMatch match(SeriesFacts s) {
    String n = s.normalized();
    if (!(n.startsWith("host_")
        || n.startsWith("container_")
        || n.startsWith("jvm_")
        || n.startsWith("process_"))) {
      return null;
    }
    return switch (n) {
      case "host_cpu_utilization_ratio" -> role(Role.CPU_UTILIZATION, Unit.RATIO, "host CPU busy");
      case "host_cpu_user_ratio", "host_cpu_system_ratio" ->
          role(Role.CPU_UTILIZATION, Unit.RATIO, "host CPU busy in one mode").scoped("mode");
      case "host_cpu_steal_ratio", "container_cpu_throttled_ratio" ->
          role(Role.CPU_SATURATION, Unit.RATIO, "CPU time taken away").scoped("mode");
      case "host_cpu_iowait_ratio" -> role(Role.IO_UTILIZATION, Unit.RATIO, "CPU iowait");
      case "host_disk_busy_ratio" -> role(Role.IO_UTILIZATION, Unit.RATIO, "busiest disk busy");
      case "host_disk_queue_length", "host_disk_io_in_progress" ->
          role(Role.IO_SATURATION, Unit.COUNT, "disk requests outstanding");
      case "host_disk_read_bytes_per_second", "host_disk_write_bytes_per_second" ->
          role(Role.IO_UTILIZATION, Unit.BYTES, "disk traffic");
      case "host_pressure_io_some_ratio", "container_pressure_io_some_ratio" ->
          role(Role.IO_SATURATION, Unit.RATIO, "I/O pressure (PSI some)");
      case "host_pressure_memory_some_ratio", "container_pressure_memory_some_ratio" ->
          role(Role.MEMORY_SATURATION, Unit.RATIO, "memory pressure (PSI some)");
      case "host_pressure_cpu_some_ratio", "container_pressure_cpu_some_ratio" ->
          role(Role.CPU_SATURATION, Unit.RATIO, "CPU pressure (PSI some)");
      case "host_major_page_faults_per_second", "host_swap_in_pages_per_second" ->
          role(Role.MEMORY_SATURATION, Unit.PER_SECOND, "major faults / swap-ins");
      case "host_memory_used_bytes", "host_memory_used_ratio" ->
          role(
                  Role.MEMORY_UTILIZATION,
                  n.endsWith("ratio") ? Unit.RATIO : Unit.BYTES,
                  "host memory used")
              .paired("host_memory");
      case "host_memory_total_bytes" ->
          role(Role.MEMORY_LIMIT, Unit.BYTES, "host memory installed").paired("host_memory");
      case "container_memory_usage_bytes", "container_memory_usage_ratio" ->
          role(
                  Role.MEMORY_UTILIZATION,
                  n.endsWith("ratio") ? Unit.RATIO : Unit.BYTES,
                  "cgroup memory")
              .paired("container_memory");
      case "container_memory_limit_bytes" ->
          role(Role.MEMORY_LIMIT, Unit.BYTES, "cgroup memory limit").paired("container_memory");
      case "container_cpu_usage_cores", "process_cpu_usage_cores" ->
          role(Role.CPU_UTILIZATION, Unit.COUNT, "CPU cores in use");
      case "jvm_heap_used_bytes" ->
          role(Role.MEMORY_UTILIZATION, Unit.BYTES, "JVM heap used").paired("jvm_heap");
      case "jvm_heap_max_bytes" ->
          role(Role.MEMORY_LIMIT, Unit.BYTES, "JVM heap max").paired("jvm_heap");
      case "jvm_gc_time_ratio" ->
          role(Role.MEMORY_SATURATION, Unit.RATIO, "share of time in GC").scoped("gc");
      case "jvm_threads" -> role(Role.WORKERS, Unit.COUNT, "JVM threads");
      case "host_network_receive_bytes_per_second", "host_network_transmit_bytes_per_second" ->
          role(Role.NETWORK_UTILIZATION, Unit.BYTES, "network traffic");
      case "host_network_errors_per_second", "host_network_drops_per_second" ->
          role(Role.NETWORK_SATURATION, Unit.PER_SECOND, "network errors and drops");
      case "host_processes_blocked" -> role(Role.IO_SATURATION, Unit.COUNT, "tasks blocked on I/O");
      case "host_processes_running" -> role(Role.CPU_SATURATION, Unit.COUNT, "runnable tasks");
      case "process_open_fds_ratio" ->
          role(Role.WORKERS, Unit.RATIO, "open file descriptors over the limit").scoped("fds");
      default -> null;
    };
  }
}
