package io.pipewatch.simulator;

import io.pipewatch.collector.CborSerializable;

/**
 * The record of one injected fault, against which detection latency and accuracy are scored: which
 * fault ({@code kind}, {@code intensity}), where ({@code stage} and the reporting {@code sourceId}
 * of that stage) and when (simulated clock in epoch milliseconds, the same time base as the flushed
 * samples' timestamps: the fault acts on {@code startMillis <= t < endMillis}). {@code id} is a
 * sequence number unique within one simulator ({@code fault-1}, {@code fault-2}, ...).
 */
public record GroundTruth(
    String id,
    FaultKind kind,
    Stage stage,
    String sourceId,
    long startMillis,
    long endMillis,
    double intensity)
    implements CborSerializable {

  /** Whether the fault acts at {@code timestampMillis}. */
  public boolean activeAt(long timestampMillis) {
    return timestampMillis >= startMillis && timestampMillis < endMillis;
  }
}
