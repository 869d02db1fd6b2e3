package io.pipewatch.optimizer;

/**
 * What a change is meant to improve: one signal and the direction that is better. The evaluation
 * compares this signal before and after the change.
 */
public enum Objective {
  THROUGHPUT(Signals.THROUGHPUT, true),
  LATENCY(Signals.LATENCY_P99, false),
  IPC_LATENCY(Signals.IPC_P99, false),
  QUALITY(Signals.QUALITY, true);

  private final String signal;
  private final boolean higherIsBetter;

  Objective(String signal, boolean higherIsBetter) {
    this.signal = signal;
    this.higherIsBetter = higherIsBetter;
  }

  public String signal() {
    return signal;
  }

  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /** The relative improvement from {@code before} to {@code after} (positive is better). */
  public double improvement(double before, double after) {
    double base = Math.max(Math.abs(before), 1e-9);
    double change = (after - before) / base;
    return higherIsBetter ? change : -change;
  }
}
