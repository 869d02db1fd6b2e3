package io.pipewatch.collector.semantics;

import java.util.Locale;

/**
 * What a series means to Pipewatch, whatever it is called: the analyzer's rules and the optimizer's
 * observations read roles, never metric names. A series gets its role from the service ({@code
 * role} on an ingest sample), from configuration ({@code pipewatch.collector.semantics.roles}) or
 * from a built-in {@link Convention}; see {@link Semantics}.
 */
public enum Role {
  /** Work completed (a counter: its rate is items per second). */
  THROUGHPUT,
  /** Work arriving (submitted, received, enqueued). */
  ARRIVALS,
  /** Work that failed or was refused. */
  ERRORS,
  /** A distribution of how long work took (histogram, summary or timer). */
  LATENCY,
  /** Items waiting in a queue. */
  QUEUE_LENGTH,
  /** The most items the queue of the same pair can hold. */
  QUEUE_CAPACITY,
  /** Work in service right now (busy workers, active requests, connections in use). */
  IN_FLIGHT,
  /** The configured size of a worker, thread or connection pool. */
  WORKERS,
  /** CPU time used, as a ratio of one core or of the cores available. */
  CPU_UTILIZATION,
  /** Time runnable tasks waited for a CPU (pressure, throttling). */
  CPU_SATURATION,
  /** Memory in use (bytes or a ratio). */
  MEMORY_UTILIZATION,
  /** The memory limit a {@link #MEMORY_UTILIZATION} series of the same pair is measured against. */
  MEMORY_LIMIT,
  /** Time tasks were stalled on memory (pressure, reclaim, garbage collection). */
  MEMORY_SATURATION,
  /** Disk busy time or disk traffic. */
  IO_UTILIZATION,
  /** Time tasks waited for I/O (pressure, iowait, weighted queue time). */
  IO_SATURATION,
  /** Network traffic. */
  NETWORK_UTILIZATION,
  /** Network errors and drops. */
  NETWORK_SATURATION,
  /** How far a consumer is behind its log (records or seconds). */
  CONSUMER_LAG,
  /** Quality of the work's output, 0..1 (e.g. a model's score). */
  OUTPUT_QUALITY;

  /** The kebab-case name used in JSON and configuration, e.g. {@code queue-length}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The role named {@code text} (kebab or snake case, any case), or null. */
  public static Role find(String text) {
    if (text == null) {
      return null;
    }
    String wanted = text.trim().replace('-', '_').replace('.', '_');
    for (Role r : values()) {
      if (r.name().equalsIgnoreCase(wanted)) {
        return r;
      }
    }
    return switch (wanted.toLowerCase(Locale.ROOT)) {
      case "utilisation", "utilization", "cpu" -> CPU_UTILIZATION;
      case "memory" -> MEMORY_UTILIZATION;
      case "lag" -> CONSUMER_LAG;
      case "concurrency", "in_progress", "active" -> IN_FLIGHT;
      case "queue", "queue_depth" -> QUEUE_LENGTH;
      case "queue_limit" -> QUEUE_CAPACITY;
      case "duration", "response_time" -> LATENCY;
      case "completed", "processed" -> THROUGHPUT;
      case "failures", "errors_total" -> ERRORS;
      default -> null;
    };
  }

  /** The accepted names, for error messages. */
  public static String names() {
    StringBuilder out = new StringBuilder();
    for (Role r : values()) {
      out.append(out.length() == 0 ? "" : ", ").append(r.id());
    }
    return out.toString();
  }
}
