package io.pipewatch.simulator;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What can go wrong in the simulated pipeline. Each kind has a signature in the metrics that a
 * detector should find; {@link #id()} is the name used in configuration and JSON.
 *
 * <ul>
 *   <li>{@link #CPU_SATURATION}: a noisy neighbour steals the stage's CPU — CPU usage near 1,
 *       service time and latency up.
 *   <li>{@link #MEMORY_LEAK}: the stage's heap grows steadily; near the limit GC work slows it, at
 *       the limit it runs out of memory, drops its in-flight documents and restarts.
 *   <li>{@link #SLOW_IPC}: the stage's outgoing hop gets a high per-message overhead and low
 *       bandwidth — IPC latency p99 up; with small batches the hop becomes the bottleneck.
 *   <li>{@link #STAGE_STALL}: the stage stops taking work — its throughput falls to zero, its queue
 *       fills, back-pressure reaches ingest, which rejects documents.
 *   <li>{@link #ERROR_BURST}: the stage fails a large share of documents.
 *   <li>{@link #DB_CONTENTION}: the database behind {@link Stage#INDEX} answers slowly — index and
 *       database latency up while CPU stays low (an I/O bottleneck).
 *   <li>{@link #LOAD_IMBALANCE}: a hot key sends a share of the stage's documents to one worker —
 *       that worker is busy all the time while the others idle.
 *   <li>{@link #CASCADING_FAILURE}: the stage fails, then its upstream neighbours degrade one after
 *       the other (time-outs and retries), {@code cascade-delay} apart.
 *   <li>{@link #SOURCE_SILENT}: the stage keeps working but its agent stops reporting (heartbeat
 *       loss).
 * </ul>
 *
 * <p>How {@code intensity} {@code i} (0..1] acts: cpu-saturation multiplies service time by {@code
 * 1/(1-0.8i)} and adds {@code i} to the reported CPU; memory-leak leaks {@code 10i} MiB/s; slow-ipc
 * multiplies the per-batch overhead by {@code 1+20i} and divides bandwidth by {@code 1+9i};
 * error-burst adds {@code 0.5i} to the failure probability; db-contention multiplies the query time
 * by {@code 1+9i}; load-imbalance sends a share {@code 0.5i} of the documents to worker 0 only;
 * cascading-failure slows its stage {@code 1+9i} times with {@code 0.3i} time-outs, and each
 * upstream stage in turn {@code 1+2i} times with {@code 0.15i} time-outs; stage-stall and
 * source-silent ignore it.
 */
public enum FaultKind {
  CPU_SATURATION,
  MEMORY_LEAK,
  SLOW_IPC,
  STAGE_STALL,
  ERROR_BURST,
  DB_CONTENTION,
  LOAD_IMBALANCE,
  CASCADING_FAILURE,
  SOURCE_SILENT;

  /** The kebab-case name used in configuration and JSON, e.g. {@code cpu-saturation}. */
  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The kind named {@code text} (kebab or snake case, any case), or null if there is none. */
  public static FaultKind find(String text) {
    if (text == null) {
      return null;
    }
    String wanted = text.trim().replace('-', '_');
    for (FaultKind kind : values()) {
      if (kind.name().equalsIgnoreCase(wanted)) {
        return kind;
      }
    }
    return null;
  }

  /** All names, comma separated, for error messages. */
  static String names() {
    StringBuilder out = new StringBuilder();
    for (FaultKind kind : values()) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(kind.id());
    }
    return out.toString();
  }

  /** The constant named {@code text} for JSON; unknown names are rejected. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static FaultKind fromJson(String text) {
    FaultKind found = find(text);
    if (found == null) {
      throw new IllegalArgumentException("unknown fault kind '" + text + "'");
    }
    return found;
  }
}
