package io.pipewatch.analyzer;

import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.SeriesPoint;
import io.pipewatch.collector.semantics.Role;
import io.pipewatch.collector.semantics.RoleMatch;
import io.pipewatch.collector.semantics.Unit;

/**
 * The default series-to-dimension map: from a series' {@link Role} (and unit) to the {@link
 * Dimension} it feeds, whatever the series is called. Only figures whose shape the rules can judge
 * are mapped: counters of completed, failed and arriving work (per second), the p99 and p95 of a
 * latency distribution (seconds), queue lengths (and their fill when a capacity of the same pair is
 * reported), consumer lag, and CPU, I/O and pressure figures that are ratios. Memory in use is not
 * mapped alone (a full page cache is healthy), only over a limit of the same pair. Series of a
 * {@code scope} (a part of the service: ipc, db, a per-mode breakdown) are left to the dimension
 * table, which may map them explicitly.
 */
final class RoleDimensions {
  private RoleDimensions() {}

  /** The suffixes of the series a histogram or timer becomes (see {@link SeriesPoint}). */
  private static final String[] DERIVED = {
    "_rate", "_mean", "_p50", "_p90", "_p95", "_p99", "_max"
  };

  /** The metric a series was derived from: {@code x_p99} of a histogram is {@code x}. */
  static String metricName(SeriesPoint p) {
    if (p.kind() == MetricKind.HISTOGRAM || p.kind() == MetricKind.TIMER) {
      for (String suffix : DERIVED) {
        if (p.name().endsWith(suffix)) {
          return p.name().substring(0, p.name().length() - suffix.length());
        }
      }
    }
    return p.name();
  }

  /** The dimension series {@code p} with role {@code m} feeds, or null. */
  static Dimension of(RoleMatch m, SeriesPoint p) {
    if (!m.matched() || !m.scope().isEmpty()) {
      return null;
    }
    boolean counter = p.kind() == MetricKind.COUNTER;
    boolean distribution = p.kind() == MetricKind.HISTOGRAM || p.kind() == MetricKind.TIMER;
    boolean ratio = m.unit() == Unit.RATIO;
    return switch (m.role()) {
      case THROUGHPUT ->
          counter || m.unit() == Unit.PER_SECOND && !distribution ? Dimension.THROUGHPUT : null;
      case ERRORS -> counter ? Dimension.ERRORS : null;
      case ARRIVALS -> counter ? Dimension.ARRIVALS : null;
      case LATENCY -> {
        if (!distribution) {
          yield null;
        }
        if (p.name().endsWith("_p99")) {
          yield Dimension.LATENCY;
        }
        yield p.name().endsWith("_p95") ? Dimension.LATENCY_P95 : null;
      }
      case QUEUE_LENGTH -> counter || distribution ? null : Dimension.QUEUE_LENGTH;
      case CONSUMER_LAG -> distribution ? null : Dimension.CONSUMER_LAG;
      case CPU_UTILIZATION -> ratio ? Dimension.CPU : null;
      case CPU_SATURATION -> ratio ? Dimension.CPU_PRESSURE : null;
      case MEMORY_SATURATION -> ratio && !distribution ? Dimension.MEMORY_PRESSURE : null;
      case IO_UTILIZATION -> ratio ? Dimension.IO_UTILIZATION : null;
      case IO_SATURATION -> ratio ? Dimension.IO_PRESSURE : null;
      default -> null;
    };
  }

  /** The scale of a series of role dimension {@code d}: timers carry nanoseconds. */
  static double scale(SeriesPoint p, Dimension d) {
    boolean seconds = d == Dimension.LATENCY || d == Dimension.LATENCY_P95;
    return seconds && p.kind() == MetricKind.TIMER ? 1e-9 : 1.0;
  }
}
