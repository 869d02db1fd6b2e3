package io.pipewatch.simulator;

/**
 * Reports one stage's interval through its agent: counters, gauges and the health score (see the
 * engine's model). Reads a {@link StageSample} and writes only the telemetry handles: reporting
 * changes nothing in the simulation.
 */
final class StageReporter {
  private StageReporter() {}

  /** Records {@code x} into {@code t}; returns the stage's health 0..1. */
  static double report(StageTelemetry t, StageSample x) {
    long errors = x.errorsProcessing() + x.errorsTimeout() + x.errorsOutOfMemory() + x.rejected();
    t.received.inc(x.received());
    t.processed.inc(x.processed());
    t.errorsProcessing.inc(x.errorsProcessing());
    t.errorsTimeout.inc(x.errorsTimeout());
    t.errorsOutOfMemory.inc(x.errorsOutOfMemory());
    if (t.errorsQueueFull != null) {
      t.errorsQueueFull.inc(x.rejected());
    }
    if (t.ipcBytes != null) {
      t.ipcBytes.inc(x.ipcBytes());
      t.ipcBatches.inc(x.ipcBatches());
    }
    t.queueDepth.set(x.queueDepth());
    t.queueCapacity.set(x.queueCapacity());
    t.inFlight.set(x.inFlight());
    t.concurrency.set(x.concurrency());
    t.queueWait.set(x.queueWaitSeconds());
    t.cpu.set(x.cpu());
    t.memory.set(x.memoryBytes());
    t.busyMax.set(x.busyMax());
    t.busyMean.set(x.busyMean());
    t.bufferPoolUsed.set(x.bufferPoolUsedBytes());
    t.bufferPoolCapacity.set(x.bufferPoolCapacityBytes());
    t.heapUsed.set(x.heapUsedBytes());
    t.heapCapacity.set(x.heapCapacityBytes());
    if (t.quality != null) {
      t.quality.set(x.quality());
      t.modelPoolUsed.set(x.modelBytes());
      t.modelPoolCapacity.set(x.modelBytes());
    }
    double total = x.processed() + errors;
    double errorRatio = total == 0 ? 0 : errors / total;
    double fill = x.queueDepth() / (double) x.queueCapacity();
    double health =
        1.0
            - 0.35 * Math.min(1.0, fill * fill)
            - Math.min(0.4, 4.0 * errorRatio)
            - 0.25 * Math.max(0, (x.cpu() - 0.85) / 0.15)
            - 0.2 * Math.min(1.0, x.heapPressure())
            - (x.paused() ? 0.3 : 0);
    health = Math.max(0, Math.min(1, health));
    t.health.set(health);
    return health;
  }
}
