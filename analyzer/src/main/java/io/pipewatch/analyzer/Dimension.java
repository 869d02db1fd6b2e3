package io.pipewatch.analyzer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A resource or performance dimension of a source that bottleneck rules look at. A series feeds the
 * dimension of its role (io.pipewatch.collector.semantics, see {@code RoleDimensions}), unless a
 * row of the {@code pipewatch.analyzer.dimensions} table (series name pattern to dimension) refines
 * it, so any service's metric names can be analysed. Per snapshot a dimension's value is the
 * maximum of its series (ratios, latencies) or their sum (rates: {@link #ERRORS}, {@link
 * #THROUGHPUT}); {@link #ERROR_RATIO} is computed, {@code errors / (errors + throughput)} over a
 * short smoothing window, and cannot be mapped to directly. Units: ratios 0..1, latencies in
 * seconds, rates per second.
 */
public enum Dimension {
  /** CPU utilisation, ratio of the cores available. */
  CPU(false, BottleneckKind.CPU),
  /** Memory used over its limit (heap, pools, host, container), ratio. */
  MEMORY(false, BottleneckKind.MEMORY),
  /** Latency of inter-process hops (p99), seconds. */
  IPC_LATENCY(false, BottleneckKind.IPC),
  /** Latency of database queries, seconds. */
  DB_LATENCY(false, BottleneckKind.IO),
  /** Disk busy or I/O-wait ratio. */
  IO_UTILIZATION(false, BottleneckKind.IO),
  /**
   * Share of time tasks were stalled waiting for I/O (kernel pressure stall information, "some"),
   * ratio.
   */
  IO_PRESSURE(false, BottleneckKind.IO),
  /**
   * Memory pressure, ratio: the share of time tasks were stalled on memory (reclaim, refaults,
   * swap-in; PSI "some"), or major faults and swap-ins per second scaled to a ratio — not how full
   * memory is.
   */
  MEMORY_PRESSURE(false, BottleneckKind.MEMORY),
  /** Share of time runnable tasks waited for a CPU (PSI "some"), ratio. */
  CPU_PRESSURE(false, BottleneckKind.CPU),
  /** Errors per second (sum of the mapped series). */
  ERRORS(true, BottleneckKind.ERRORS),
  /** Work completed per second (sum of the mapped series). */
  THROUGHPUT(true, BottleneckKind.THROUGHPUT),
  /** Errors over errors plus completed work, smoothed (computed, not mappable). */
  ERROR_RATIO(false, BottleneckKind.ERRORS),
  /** Queue depth over queue capacity, ratio. */
  QUEUE_FILL(false, BottleneckKind.QUEUE),
  /** Latency of the source's own work (p99), seconds. */
  LATENCY(false, BottleneckKind.QUEUE),
  /** Busiest worker's busy ratio over the mean worker's: 1 is balanced. */
  WORKER_SKEW(false, BottleneckKind.QUEUE),
  /** Open file descriptors over the process's limit, ratio (kind custom: a resource runs out). */
  FD_USAGE(false, BottleneckKind.CUSTOM),
  /** Any other signal a user maps. */
  CUSTOM(false, BottleneckKind.CUSTOM),
  /** Work arriving per second (sum of the series with role arrivals). */
  ARRIVALS(true, BottleneckKind.QUEUE),
  /** Items waiting in queues (sum of the series with role queue-length). */
  QUEUE_LENGTH(true, BottleneckKind.QUEUE),
  /** p95 of the source's own latency, seconds. */
  LATENCY_P95(false, BottleneckKind.QUEUE),
  /** Records a consumer is behind (largest of the series with role consumer-lag). */
  CONSUMER_LAG(false, BottleneckKind.QUEUE);

  static final int COUNT = values().length;

  private final boolean summed;
  private final BottleneckKind defaultKind;

  Dimension(boolean summed, BottleneckKind defaultKind) {
    this.summed = summed;
    this.defaultKind = defaultKind;
  }

  /** Whether the dimension's value is the sum of its series (else the maximum). */
  public boolean summed() {
    return summed;
  }

  /** The bottleneck kind a rule on this dimension reports unless it names another. */
  public BottleneckKind defaultKind() {
    return defaultKind;
  }

  /** The kebab-case name used in configuration and JSON, e.g. {@code ipc-latency}. */
  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The dimension named {@code text} (kebab or snake case, any case), or null. */
  public static Dimension find(String text) {
    if (text == null) {
      return null;
    }
    String wanted = text.trim().replace('-', '_');
    for (Dimension d : values()) {
      if (d.name().equalsIgnoreCase(wanted)) {
        return d;
      }
    }
    return null;
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static Dimension fromJson(String text) {
    Dimension found = find(text);
    if (found == null) {
      throw new IllegalArgumentException("unknown dimension '" + text + "'");
    }
    return found;
  }
}
