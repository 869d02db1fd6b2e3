package io.pipewatch.simulator;

/** One injected fault of a run: its spec, id, simulated start and end, and whether it acts. */
final class InjectedFault {
  final FaultSpec spec;
  final String id;
  final long startNanos;
  long endNanos;
  boolean started;
  boolean ended;

  InjectedFault(FaultSpec spec, String id, long startNanos, long endNanos) {
    this.spec = spec;
    this.id = id;
    this.startNanos = startNanos;
    this.endNanos = endNanos;
  }

  /** Whether it acts now (started, not ended). */
  boolean acting() {
    return started && !ended;
  }
}
