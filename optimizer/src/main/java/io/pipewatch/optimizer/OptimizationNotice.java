package io.pipewatch.optimizer;

import io.pipewatch.collector.CborSerializable;

/**
 * Published on the {@code optimizations} topic for each change applied, kept or rolled back ({@code
 * OptimizationApplied} for WebSocket clients): source, change, knob, values, what happened ({@code
 * applied}, {@code kept}, {@code rolled-back}), why, and the measured effect (percent of the
 * objective; NaN before evaluation).
 */
public record OptimizationNotice(
    String sourceId,
    String changeId,
    String knob,
    double from,
    double to,
    String outcome,
    String reason,
    double effectPct,
    long atMillis)
    implements CborSerializable {}
