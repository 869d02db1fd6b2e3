package io.pipewatch.optimizer;

import io.pipewatch.collector.CborSerializable;

/**
 * Published on the {@code optimizations} topic for each step of a change once its event is
 * persisted (never while the optimizer recovers): source, change, strategy, knob, values, the
 * {@link Step}, who decided ({@code by}: "auto" or an operator, for approvals and rejections; null
 * otherwise), why, and the measured effect (percent of the objective; NaN before evaluation). A
 * recommendation has its key as {@code changeId}, no knob and NaN values.
 */
public record OptimizationNotice(
    String sourceId,
    String changeId,
    String strategy,
    String knob,
    double from,
    double to,
    Step step,
    String by,
    String reason,
    double effectPct,
    long atMillis)
    implements CborSerializable {

  /** What happened to the change ({@code OptimizationApplied} for WebSocket clients: APPLIED). */
  public enum Step {
    PROPOSED("proposed"),
    APPROVED("approved"),
    REJECTED("rejected"),
    APPLIED("applied"),
    KEPT("kept"),
    ROLLED_BACK("rolledBack"),
    RECOMMENDED("recommended");

    private final String id;

    Step(String id) {
      this.id = id;
    }

    /** The name in JSON: {@code proposed}, ..., {@code rolledBack}, {@code recommended}. */
    public String id() {
      return id;
    }
  }
}
