package io.pipewatch.optimizer;

import io.pipewatch.collector.CborSerializable;

/**
 * What one finished change measured: knob, values, the objective's median before and after, and
 * whether it was kept. Strategies learn from these (e.g. the concurrency strategy's USL points).
 */
public record ChangeOutcome(
    String strategy,
    String knob,
    double from,
    double to,
    Objective objective,
    double before,
    double after,
    double throughputBefore,
    double throughputAfter,
    boolean saturated,
    boolean kept,
    long atMillis)
    implements CborSerializable {}
