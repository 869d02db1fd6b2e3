package io.pipewatch.collector.semantics;

/**
 * Micrometer's Prometheus names as a Spring Boot service exposes them (docs.micrometer.io: http
 * server requests, executor, HikariCP, JVM, process metrics).
 */
final class MicrometerConvention implements Convention {

  @Override
  public String name() {
    return "Micrometer";
  }

  @Override
  public RoleMatch match(SeriesFacts s) {
    if (s.is("http_server_requests_seconds", "http_server_requests")) {
      return role(Role.LATENCY, Unit.SECONDS, "Spring MVC/WebFlux request timer");
    }
    if (s.is("http_server_requests_active_seconds_active_count", "http_server_requests_active")) {
      return role(Role.IN_FLIGHT, Unit.COUNT, "requests in progress");
    }
    if (s.starts("executor_")) {
      if (s.is("executor_completed_tasks_total", "executor_completed_tasks")) {
        return role(Role.THROUGHPUT, Unit.PER_SECOND, "executor tasks completed");
      }
      if (s.is("executor_active_threads")) {
        return role(Role.IN_FLIGHT, Unit.COUNT, "executor threads running tasks");
      }
      if (s.is("executor_pool_size_threads", "executor_pool_core_threads")) {
        return role(Role.WORKERS, Unit.COUNT, "executor pool size");
      }
      if (s.is("executor_queued_tasks")) {
        return role(Role.QUEUE_LENGTH, Unit.COUNT, "executor tasks queued").paired("executor");
      }
      if (s.is("executor_seconds", "executor_idle_seconds")) {
        return role(Role.LATENCY, Unit.SECONDS, "executor task timer");
      }
      return null;
    }
    if (s.starts("hikaricp_connections")) {
      if (s.is("hikaricp_connections_active")) {
        return role(Role.IN_FLIGHT, Unit.COUNT, "database connections in use");
      }
      if (s.is("hikaricp_connections_max")) {
        return role(Role.WORKERS, Unit.COUNT, "connection pool size");
      }
      if (s.is("hikaricp_connections_pending")) {
        return role(Role.QUEUE_LENGTH, Unit.COUNT, "threads waiting for a connection")
            .paired("hikaricp_connections")
            .scoped("db");
      }
      if (s.is("hikaricp_connections_acquire_seconds", "hikaricp_connections_usage_seconds")) {
        return role(Role.LATENCY, Unit.SECONDS, "connection acquire/usage time").scoped("db");
      }
      if (s.is("hikaricp_connections_timeout_total", "hikaricp_connections_timeout")) {
        return role(Role.ERRORS, Unit.PER_SECOND, "connection timeouts");
      }
      return null;
    }
    if (s.is("jvm_memory_used_bytes")) {
      return role(Role.MEMORY_UTILIZATION, Unit.BYTES, "JVM memory used").paired("jvm_memory");
    }
    if (s.is("jvm_memory_max_bytes")) {
      return role(Role.MEMORY_LIMIT, Unit.BYTES, "JVM memory max").paired("jvm_memory");
    }
    if (s.is("jvm_gc_pause_seconds")) {
      return role(Role.MEMORY_SATURATION, Unit.SECONDS, "garbage collection pauses");
    }
    if (s.is("process_cpu_usage", "system_cpu_usage")) {
      return role(Role.CPU_UTILIZATION, Unit.RATIO, "recent CPU usage (0..1)");
    }
    return null;
  }
}
